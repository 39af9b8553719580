/**
 * OpenStack-native access, when the configuration asks for it (`keystone.authUrl` or `keystone.cloud`): the
 * Keystone token validator (src/openstack) behind the API's KeystoneAuthSettings port.
 */
import { homedir } from 'node:os';
import type { KeystoneAuthSettings } from '../api';
import { ConfigError, processEnv, type Config } from '../config';
import { redactText } from '../errors';
import { authBody, KeystoneTokenValidator, resolveCloud, type AuthOptions } from '../openstack';
import type { Logger } from '../ports/logger';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The VNFM's service credentials: the clouds.yaml entry `keystone.cloud` (found as openstacksdk finds it,
 * OS_CLIENT_CONFIG_FILE first; the other OS_* variables do not override it, they may be the VIM's), with the
 * explicit `keystone.*` keys over its values. Undefined when Keystone is not configured.
 */
export function keystoneServiceAuth(
  k: Config['keystone'],
  env: Env,
  where: { home: string; cwd: string },
): { auth: AuthOptions; insecure: boolean } | undefined {
  if (k.authUrl === undefined && k.cloud === undefined) return undefined;
  const base =
    k.cloud === undefined
      ? undefined
      : resolveCloud(
          { OS_CLIENT_CONFIG_FILE: env['OS_CLIENT_CONFIG_FILE'] },
          { cloudName: k.cloud, home: where.home, cwd: where.cwd },
        );
  const explicit: Partial<AuthOptions> = {};
  for (const key of [
    'authUrl',
    'username',
    'password',
    'projectName',
    'userDomainName',
    'projectDomainName',
    'applicationCredentialId',
    'applicationCredentialSecret',
  ] as const) {
    const v = k[key];
    if (v !== undefined) explicit[key] = v;
  }
  const auth = { ...base?.auth, ...explicit } as AuthOptions;
  try {
    authBody(auth); // the credentials are complete: a clear error at start, not at the first request
  } catch (err) {
    throw new ConfigError(`keystone (CLICKVNFM_KEYSTONE_*): the VNFM's service credentials: ${(err as Error).message}`);
  }
  return { auth, insecure: base?.insecure ?? false };
}

/** The API's Keystone settings, or undefined when Keystone is not configured. */
export function buildKeystoneAuth(config: Readonly<Config>, log: Logger): KeystoneAuthSettings | undefined {
  const k = config.keystone;
  const service = keystoneServiceAuth(k, processEnv(), { home: homedir(), cwd: process.cwd() });
  if (service === undefined) return undefined;
  const validator = new KeystoneTokenValidator({ ...service, cacheMs: k.cacheSeconds * 1000 });
  log.info(
    `Keystone tokens (X-Auth-Token) accepted, validated by ${validator.authUrl}` +
      `${k.cloud !== undefined ? ` (service credentials: clouds.yaml entry ${k.cloud})` : ''}`,
  );
  // early word on the service credentials; a request does not wait for it
  validator.check().then(
    () => log.info(`Keystone at ${validator.authUrl}: the VNFM's service token obtained`),
    (err: unknown) => log.warn(redactText(err instanceof Error ? err.message : String(err))),
  );
  return {
    validator,
    roles: { admin: k.roles.admin, reader: k.roles.reader },
    ...(k.projects !== undefined ? { projects: k.projects } : {}),
  };
}
