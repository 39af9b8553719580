/**
 * `clickvnfm keystone register` (the command as commander runs it, in this process) against a fake
 * Keystone: the nfv-orchestration service and its three endpoints created once, nothing on a second run,
 * the endpoints updated in place for a new URL, and a refusal that shows no password.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli';
import { startFakeKeystone, type FakeKeystone } from '../support/fake-keystone';

const ADMIN_PW = 'adm1n-pw-for-test';
const dir = mkdtempSync(join(tmpdir(), 'keystone-register-'));
const clouds = join(dir, 'clouds.yaml');
let ks: FakeKeystone;
const saved = { ...process.env };

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((t) => ((err += String(t)), true));
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(['node', 'clickvnfm', 'keystone', 'register', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

/** Calls that change the catalog. */
const changes = (): number =>
  ks.calls.filter((c) => (c.method === 'POST' || c.method === 'PATCH') && c.path !== '/v3/auth/tokens').length;

beforeAll(async () => {
  ks = await startFakeKeystone({ users: { admin: ADMIN_PW } });
  writeFileSync(
    clouds,
    [
      'clouds:',
      '  ops:',
      '    region_name: RegionOne',
      '    auth:',
      `      auth_url: ${ks.authUrl}`,
      '      username: admin',
      `      password: ${ADMIN_PW}`,
      '      project_name: admin',
      '      user_domain_name: Default',
      '      project_domain_name: Default',
      '  wrong:',
      '    auth:',
      `      auth_url: ${ks.authUrl}`,
      '      username: admin',
      '      password: not-the-password',
      '      project_name: admin',
      '',
    ].join('\n'),
  );
  for (const k of Object.keys(process.env))
    if (k.startsWith('OS_') || k.startsWith('CLICKVNFM_')) delete process.env[k];
  process.env['OS_CLIENT_CONFIG_FILE'] = clouds;
  process.env['OS_CLOUD'] = 'ops';
  // a Tacker already registered under the same type
  ks.services.push({ id: 'tacker-1', type: 'nfv-orchestration', name: 'tacker', enabled: true });
});
afterAll(async () => {
  process.env = saved;
  await ks.close();
});

describe('clickvnfm keystone register', () => {
  it('creates the nfv-orchestration service and its public, internal and admin endpoints', async () => {
    const r = await run('--url', 'http://vnfm.example:9890/');
    expect(r.code).toBe(0);
    const mine = ks.services.find((s) => s.name === 'clickvnfm');
    expect(mine).toMatchObject({ type: 'nfv-orchestration', enabled: true });
    const eps = ks.endpoints.filter((e) => e.service_id === mine?.id);
    expect(eps.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
    for (const e of eps) expect(e).toMatchObject({ url: 'http://vnfm.example:9890/', region_id: 'RegionOne' });
    expect(r.out).toMatch(/^service clickvnfm \(nfv-orchestration\) \S+: created$/m);
    expect(r.out.match(/: created +http:\/\/vnfm\.example:9890\/$/gm)).toHaveLength(3);
    expect(r.out).toContain('registered in region RegionOne');
    expect(r.err).toContain('note: service tacker is also of type nfv-orchestration');
  });

  it('a second run (the same URL, written without the slash) changes nothing and says so', async () => {
    const before = changes();
    const r = await run('--url', 'http://vnfm.example:9890');
    expect(r.code).toBe(0);
    expect(changes()).toBe(before);
    expect(ks.services.filter((s) => s.name === 'clickvnfm')).toHaveLength(1);
    expect(r.out).toContain('nothing changed: clickvnfm is already registered at http://vnfm.example:9890 in region');
    expect(r.out.match(/: unchanged /g)).toHaveLength(3);
  });

  it('a different URL updates the three endpoints in place; CLICKVNFM_PUBLIC_URL is the default URL', async () => {
    const ids = ks.endpoints.map((e) => e.id).sort();
    process.env['CLICKVNFM_PUBLIC_URL'] = 'https://vnfm.example:9443';
    try {
      const r = await run();
      expect(r.code).toBe(0);
      expect(
        r.out.match(/: updated +https:\/\/vnfm\.example:9443 \(was http:\/\/vnfm\.example:9890\/\)$/gm),
      ).toHaveLength(3);
    } finally {
      delete process.env['CLICKVNFM_PUBLIC_URL'];
    }
    expect(ks.endpoints.map((e) => e.id).sort()).toEqual(ids);
    const mine = ks.services.find((s) => s.name === 'clickvnfm');
    for (const e of ks.endpoints.filter((x) => x.service_id === mine?.id))
      expect(e.url).toBe('https://vnfm.example:9443');
  });

  it('another region gets its own endpoints; a refused login is exit 1 without the password', async () => {
    const r = await run('--url', 'http://vnfm.example:9890/', '--region', 'RegionTwo');
    expect(r.code).toBe(0);
    expect(ks.endpoints.filter((e) => e.region_id === 'RegionTwo')).toHaveLength(3);
    const before = changes();
    const bad = await run('--url', 'http://vnfm.example:9890/', '--os-cloud', 'wrong');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/keystone register \(.*clouds\.yaml#wrong\): POST .*\/v3\/auth\/tokens answered 401/);
    expect(bad.err + bad.out).not.toContain('not-the-password');
    expect(changes()).toBe(before);
  });

  it('refuses a URL that is not http(s) or carries credentials', async () => {
    await expect(run('--url', 'ftp://vnfm.example/')).rejects.toThrow(/--url must be an http\(s\) URL/);
    await expect(run('--url', 'http://u:p@vnfm.example/')).rejects.toThrow(/must not carry credentials/);
  });
});
