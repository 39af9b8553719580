import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { OpenStackConfigError } from '../../client/errors';
import type { AuthOptions, Interface } from './auth';

/** Everything needed to talk to one cloud, as OpenStack users write it (clouds.yaml or OS_*). */
export interface CloudConfig {
  /** The clouds.yaml entry it came from, or `env` for OS_* variables. */
  source: string;
  auth: AuthOptions;
  regionName?: string;
  interface: Interface;
  insecure: boolean;
}

type Env = Record<string, string | undefined>;

const AUTH_KEYS: Record<string, keyof AuthOptions> = {
  auth_url: 'authUrl',
  username: 'username',
  user_id: 'userId',
  password: 'password',
  user_domain_name: 'userDomainName',
  user_domain_id: 'userDomainId',
  project_name: 'projectName',
  tenant_name: 'projectName',
  project_id: 'projectId',
  tenant_id: 'projectId',
  project_domain_name: 'projectDomainName',
  project_domain_id: 'projectDomainId',
  domain_name: 'domainName',
  domain_id: 'domainId',
  application_credential_id: 'applicationCredentialId',
  application_credential_name: 'applicationCredentialName',
  application_credential_secret: 'applicationCredentialSecret',
};

/** clouds.yaml search order of openstacksdk: OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/. */
export function cloudsYamlCandidates(env: Env, home: string, cwd: string): string[] {
  return [
    env['OS_CLIENT_CONFIG_FILE'],
    path.join(cwd, 'clouds.yaml'),
    path.join(home, '.config/openstack/clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ].filter((x): x is string => !!x);
}

function readYaml(file: string): Record<string, unknown> {
  try {
    const v = yaml.load(fs.readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch (err) {
    throw new OpenStackConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      cur !== null &&
      typeof cur === 'object' &&
      !Array.isArray(cur) &&
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v)
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function authFrom(raw: Record<string, unknown>): AuthOptions {
  const a: Partial<Record<keyof AuthOptions, string>> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = AUTH_KEYS[k];
    if (key !== undefined && (typeof v === 'string' || typeof v === 'number')) a[key] = String(v);
  }
  if (!a.authUrl) throw new OpenStackConfigError('no auth_url (OS_AUTH_URL) in the cloud configuration');
  return a as AuthOptions;
}

function iface(v: unknown, where: string): Interface {
  const s = typeof v === 'string' ? v.replace(/URL$/, '').toLowerCase() : 'public';
  if (s !== 'public' && s !== 'internal' && s !== 'admin')
    throw new OpenStackConfigError(`${where}: interface must be public, internal or admin (got '${String(v)}')`);
  return s;
}

/**
 * The cloud to use, resolved as openstacksdk does: with OS_CLOUD (or `cloudName`), that entry of the
 * first clouds.yaml found (merged with secure.yaml beside it), then OS_* variables override single
 * values (OS_PASSWORD etc.); without it, the OS_* variables alone.
 */
export function resolveCloud(env: Env, o: { cloudName?: string; home: string; cwd: string }): CloudConfig {
  const name = o.cloudName ?? env['OS_CLOUD'];
  let base: Record<string, unknown> = {};
  let source = 'env';
  if (name) {
    const file = cloudsYamlCandidates(env, o.home, o.cwd).find((f) => fs.existsSync(f));
    if (file === undefined)
      throw new OpenStackConfigError(
        `cloud '${name}' was asked for, but no clouds.yaml was found ` +
          `(looked at ${cloudsYamlCandidates(env, o.home, o.cwd).join(', ')})`,
      );
    let doc = readYaml(file);
    const secure = path.join(path.dirname(file), 'secure.yaml');
    if (fs.existsSync(secure)) doc = merge(doc, readYaml(secure));
    const clouds = (doc['clouds'] ?? {}) as Record<string, unknown>;
    const entry = clouds[name];
    if (entry === undefined || entry === null || typeof entry !== 'object')
      throw new OpenStackConfigError(
        `${file} has no cloud '${name}' (it has: ${Object.keys(clouds).join(', ') || 'none'})`,
      );
    base = entry as Record<string, unknown>;
    source = `${file}#${name}`;
  }
  const auth: Record<string, unknown> = { ...((base['auth'] ?? {}) as Record<string, unknown>) };
  for (const k of Object.keys(AUTH_KEYS)) {
    const v = env[`OS_${k.toUpperCase()}`];
    if (v !== undefined && v !== '') auth[k] = v;
  }
  const region = env['OS_REGION_NAME'] ?? (base['region_name'] as string | undefined);
  const insecureRaw = env['OS_INSECURE'] ?? base['insecure'] ?? (base['verify'] === false ? true : undefined);
  return {
    source,
    auth: authFrom(auth),
    ...(region ? { regionName: region } : {}),
    interface: iface(env['OS_INTERFACE'] ?? base['interface'], source),
    insecure: insecureRaw === true || insecureRaw === 'true' || insecureRaw === '1',
  };
}
