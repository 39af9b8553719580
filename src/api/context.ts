import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { VnfInstanceRepository } from '../ports/store';
import type { PackageCatalog } from '../ports/package-catalog';
import type { VnfInstance } from '../domain/vnf-instance';
import type { KeystoneValidator } from '../ports/keystone';

/** A Fastify instance whose route schemas are TypeBox (schema = runtime check + static type). */
export type ApiApp = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who made the request (set by the auth plugin). */
export interface Principal {
  /** user name, OAuth2 client id, or `<Keystone user>@<project>` */
  id: string;
  roles: string[];
  via: 'basic' | 'bearer' | 'keystone';
}

/** OpenStack-native access: Keystone tokens in X-Auth-Token, and which Keystone roles give which of ours. */
export interface KeystoneAuthSettings {
  validator: KeystoneValidator;
  /** Keystone role names (compared case-insensitively, as oslo.policy does) that give role admin or reader. */
  roles: { admin: readonly string[]; reader: readonly string[] };
  /** Only tokens scoped to one of these projects (names or ids); absent: any project. */
  projects?: readonly string[];
}

export interface AuthSettings {
  basic: boolean;
  oauth2: boolean;
  tokenTtlSeconds: number;
  /** HMAC key for bearer tokens, shared by every API process (from varDir or config). */
  tokenKey: Buffer;
  users: ReadonlyArray<{ name: string; passwordHash: string; roles: readonly string[] }>;
  clients: ReadonlyArray<{ id: string; secretHash: string; roles: readonly string[] }>;
  /** Accept Keystone tokens (X-Auth-Token) when there is no Authorization header; absent: not accepted. */
  keystone?: KeystoneAuthSettings;
}

/**
 * A flag a route sets in its own `config` (`auth: false`, `anyVersion: true`). NOTE: an own-property
 * check, so that a polluted Object.prototype (should any bug ever allow one) cannot set it for every route.
 */
export function routeFlag(req: FastifyRequest, name: 'auth' | 'anyVersion'): boolean | undefined {
  const config: object | undefined = req.routeOptions.config;
  return config !== undefined && Object.hasOwn(config, name)
    ? (config as Record<string, boolean | undefined>)[name]
    : undefined;
}

/** Lifecycle events the API raises (the notification feature subscribes to them). */
export interface ApiEvents {
  /** Before the instance is stored: its creation's notification is owed from now (published by a sweep if lost). */
  instanceCreating?(vnfInstanceId: string): Promise<void>;
  instanceCreated?(instance: VnfInstance): Promise<void>;
  /** Before the instance is deleted: its deletion's notification is owed from now. */
  instanceDeleting?(instance: VnfInstance): Promise<void>;
  instanceDeleted?(instance: VnfInstance): Promise<void>;
  /** Releases an instance's lock held by a finished operation (settleFinished, src/lcm/engine.ts); true if it did. */
  settleFinished?(instanceId: string, opOccId: string): Promise<boolean>;
}

/** What every route module gets. */
export interface ApiContext {
  instances: VnfInstanceRepository;
  packages: PackageCatalog;
  /** e.g. `http://127.0.0.1:9890`: the base of absolute links. */
  publicUrl: string;
  pageSize: number;
  events: ApiEvents;
  now(): Date;
  newId(): string;
}

/**
 * A feature's routes. Add one by passing it in `buildApp({ routes: [...] })`; it is registered
 * after the framework plugins, so it gets auth, the Version header and ProblemDetails for free.
 */
export type RouteModule = (app: ApiApp, ctx: ApiContext) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** false: the route is open (api_versions, the token endpoint, docs). */
    auth?: boolean;
    /** true: any `Version` header is accepted (the api_versions resources). */
    anyVersion?: boolean;
  }
}
