import { homedir } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, processEnv } from '../../config';
import { connectIdentity, NFV_ORCHESTRATION, OpenStackError, registerService, resolveCloud } from '../../openstack';

type Env = Readonly<Record<string, string | undefined>>;
type Io = { out(text: string): void; err(text: string): void };

export interface KeystoneRegisterOptions {
  /** The VNFM's base URL as clients reach it (default: the configuration's publicUrl). */
  url?: string;
  /** The endpoints' region (default: the cloud's region_name). */
  region?: string;
  name: string;
  /** The clouds.yaml entry with admin credentials (default OS_CLOUD; without either, the OS_* variables). */
  osCloud?: string;
}

function baseUrl(o: KeystoneRegisterOptions, env: Env): string {
  const url = o.url ?? loadConfig(env).publicUrl;
  if (url === undefined)
    throw new Error('--url is needed (or publicUrl / CLICKVNFM_PUBLIC_URL): the address OpenStack clients will call');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--url must be an http(s) URL (got '${url}')`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`--url must be an http(s) URL (got '${url}')`);
  if (parsed.username !== '' || parsed.password !== '') throw new Error('--url must not carry credentials');
  return url;
}

/**
 * `clickvnfm keystone register`: the VNFM as service `nfv-orchestration` in the Keystone catalog, with
 * public, internal and admin endpoints at its base URL. Idempotent. Exit 0, or 1 when Keystone said no.
 */
export async function keystoneRegister(o: KeystoneRegisterOptions, env: Env, io: Io): Promise<number> {
  const url = baseUrl(o, env);
  const cloud = resolveCloud(env, {
    ...(o.osCloud !== undefined ? { cloudName: o.osCloud } : {}),
    home: homedir(),
    cwd: process.cwd(),
  });
  const region = o.region ?? cloud.regionName;
  let r;
  try {
    r = await registerService(connectIdentity(cloud), {
      url,
      name: o.name,
      ...(region !== undefined ? { region } : {}),
    });
  } catch (err) {
    if (!(err instanceof OpenStackError)) throw err;
    io.err(`clickvnfm: keystone register (${cloud.source}): ${err.message}\n`);
    return 1;
  }
  io.out(`service ${r.service.name} (${NFV_ORCHESTRATION}) ${r.service.id}: ${r.service.change}\n`);
  for (const e of r.endpoints) {
    const was = e.was !== undefined ? ` (was ${e.was})` : '';
    io.out(`endpoint ${e.interface.padEnd(8)} ${e.id}: ${e.change.padEnd(9)} ${e.url}${was}\n`);
  }
  for (const other of r.others)
    io.err(
      `note: service ${other.name || other.id} is also of type ${NFV_ORCHESTRATION}; ` +
        'clients may pick either (delete or rename one)\n',
    );
  const where = region !== undefined ? ` in region ${region}` : '';
  io.out(
    r.changed
      ? `registered${where}: OpenStack clients find the VNFM as ${NFV_ORCHESTRATION} (openstack vnflcm list)\n`
      : `nothing changed: ${r.service.name} is already registered at ${url}${where}\n`,
  );
  return 0;
}

/** `clickvnfm keystone register [--url U] [--region R] [--name N] [--os-cloud C]` */
export function registerKeystone(program: Command): void {
  const keystone = program.command('keystone').description('OpenStack-native access (docs/keystone.md)');
  keystone
    .command('register')
    .description(
      `put the VNFM in the Keystone catalog as service ${NFV_ORCHESTRATION} (what \`openstack vnflcm\` looks for), ` +
        'with admin credentials from clouds.yaml (OS_CLOUD, OS_CLIENT_CONFIG_FILE) or OS_* variables; idempotent',
    )
    .option('--url <url>', "the VNFM's base URL as clients reach it (default: publicUrl / CLICKVNFM_PUBLIC_URL)")
    .option('--region <region>', "the endpoints' region (default: the cloud's region_name)")
    .option('--name <name>', 'the service name', 'clickvnfm')
    .option('--os-cloud <cloud>', 'the clouds.yaml entry to use (default: OS_CLOUD)')
    .action(async (o: KeystoneRegisterOptions) => {
      const io: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };
      process.exitCode = await keystoneRegister(o, processEnv(), io);
    });
}
