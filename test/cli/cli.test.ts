/**
 * `clickvnfm` as a user runs it (the built CLI in a child process, its own settings file) against a live
 * VNFM on the emulated VIM: every subcommand, --json, progress lines, errors, and the secret never shown.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Vnfm } from '../../src/main';
import { startLocalVnfm } from '../support/vnfm';
import { startTestRedis } from '../support/redis';

const CLI = resolve(__dirname, '../../dist/src/cli/index.js');
const REPO = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;
const settings = join(dir, 'config.json');
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let vnfm: Vnfm;
const outputs: string[] = [];

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, CLICKVNFM_CONFIG_FILE: settings },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      outputs.push(out, err);
      res({ code: code ?? -1, out, err });
    });
  });
}
const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
  const r = await cli('--json', ...args);
  if (r.code !== 0) throw new Error(`clickvnfm ${args.join(' ')}: exit ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
};

beforeAll(async () => {
  statSync(CLI); // npm test builds dist/ first (scripts/setup.sh)
  redis = await startTestRedis();
  vnfm = await startLocalVnfm({ redisUrl: redis.url, varDir: join(dir, 'var'), client: { id: 'ops', secret: SECRET } });
}, 60_000);
afterAll(async () => {
  await vnfm?.stop();
  await redis?.stop();
}, 60_000);

describe('clickvnfm against a live VNFM', () => {
  it('login checks and stores the credentials once (0600); a wrong secret is refused', async () => {
    const bad = await cli('login', '--url', vnfm.url as string, '--client-id', 'ops', '--client-secret', 'wrong');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("refused the client 'ops' (invalid_client)");
    const ok = await cli('login', '--url', vnfm.url as string, '--client-id', 'ops', '--client-secret', SECRET);
    expect(ok.code).toBe(0);
    expect(statSync(settings).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toMatchObject({ url: vnfm.url, clientId: 'ops' });
  }, 60_000);

  let pkgId = '';
  let vnfdId = '';
  let vnfId = '';
  it('package upload (a directory), list, show, disable, enable', async () => {
    const up = await cli('package', 'upload', join(REPO, 'vnfd/forwarder'));
    expect(up.code).toBe(0);
    expect(up.out).toMatch(
      /package (\S+): ONBOARDED, ENABLED \(vnfdId b1bb0ce7-ebca-4fa7-95ed-4840d70a1177, forwarder\)/,
    );
    pkgId = /package (\S+):/.exec(up.out)?.[1] as string;
    const list = await json<Array<{ id: string; onboardingState: string }>>('package', 'list');
    expect(list).toEqual([expect.objectContaining({ id: pkgId, onboardingState: 'ONBOARDED' })]);
    const table = await cli('package', 'list');
    expect(table.out.split('\n')[0]).toMatch(/^id\s+vnfProductName\s+vnfdId\s+onboardingState/);
    vnfdId = (await json<{ vnfdId: string }>('package', 'show', pkgId)).vnfdId;
    expect(vnfdId).toBe('b1bb0ce7-ebca-4fa7-95ed-4840d70a1177');
    expect((await cli('package', 'disable', pkgId)).out).toContain('DISABLED');
    expect((await cli('package', 'enable', pkgId)).out).toContain('ENABLED');
  }, 60_000);

  it('a package with an error: its file:line:column, exit 1', async () => {
    const bad = mkdtempSync(join(dir, 'badpkg-'));
    cpSync(join(REPO, 'vnfd/firewall'), bad, { recursive: true });
    const click = join(bad, 'Files/click/firewall.click');
    writeFileSync(click, readFileSync(click, 'utf8').replace(/Classifier\(/, 'Clasifier('));
    const r = await cli('package', 'upload', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/firewall\.click:\d+:\d+/);
  });

  it(
    'vnf create, instantiate (progress lines), list, show,' + ' modify, scale out/in, heal, operate, terminate, delete',
    async () => {
      vnfId = (await json<{ id: string }>('vnf', 'create', '--vnfd-id', vnfdId, '--name', 'cli-fw')).id;
      const inst = await cli('vnf', 'instantiate', vnfId);
      expect(inst.code).toBe(0);
      expect(inst.err).toMatch(/INSTANTIATE \S+: (STARTING|PROCESSING)/);
      expect(inst.err).toMatch(/INSTANTIATE \S+: COMPLETED \(\d+ s\)/);
      expect(inst.out).toMatch(/INSTANTIATE COMPLETED \(op-occ /);
      const list = await json<Array<{ id: string; instantiationState: string }>>(
        'vnf',
        'list',
        '--filter',
        '(eq,instantiationState,INSTANTIATED)',
      );
      expect(list.map((i) => i.id)).toEqual([vnfId]);
      const show = await cli('vnf', 'show', vnfId);
      expect(show.out).toMatch(/vnfInstanceName\s+cli-fw/);
      expect(show.out).toMatch(/vnfc\s+vduId\s+status\s+managementAddress/);
      const cfg = join(dir, 'new.click');
      writeFileSync(
        cfg,
        readFileSync(join(REPO, 'vnfd/forwarder/Files/click/forwarder.click'), 'utf8') +
          '\n// changed by the CLI test\n',
      );
      expect((await cli('vnf', 'modify', vnfId, '--click-config', cfg, '--description', 'via cli')).code).toBe(0);
      expect(
        (
          await json<{ vnfInstanceDescription: string; vnfConfigurableProperties: { clickConfig: string } }>(
            'vnf',
            'show',
            vnfId,
          )
        ).vnfConfigurableProperties.clickConfig,
      ).toContain('changed by the CLI test');
      writeFileSync(cfg, 'FromDPDKDevice(0) -> Nope -> ToDPDKDevice(1);\n');
      const badCfg = await cli('vnf', 'modify', vnfId, '--click-config', cfg);
      expect(badCfg.code).toBe(1);
      expect(badCfg.err).toMatch(
        /422 .*unknown element class 'Nope'.*\(field: vnfConfigurableProperties\.clickConfig\)/,
      );
      expect((await cli('vnf', 'scale', vnfId, '--aspect', 'click_aspect', '--type', 'out')).code).toBe(0);
      const scaled = await json<{ instantiatedVnfInfo: { vnfcResourceInfo: Array<{ id: string }> } }>(
        'vnf',
        'show',
        vnfId,
      );
      expect(scaled.instantiatedVnfInfo.vnfcResourceInfo).toHaveLength(2);
      expect((await cli('vnf', 'scale', vnfId, '--aspect', 'click_aspect', '--type', 'in')).code).toBe(0);
      const one = (
        await json<{ instantiatedVnfInfo: { vnfcResourceInfo: Array<{ id: string }> } }>('vnf', 'show', vnfId)
      ).instantiatedVnfInfo.vnfcResourceInfo[0]!.id;
      expect((await cli('vnf', 'heal', vnfId, '--vnfc', one, '--cause', 'cli test')).code).toBe(0);
      expect((await cli('vnf', 'operate', vnfId, '--state', 'stopped')).code).toBe(0);
      expect(
        (await json<{ instantiatedVnfInfo: { vnfState: string } }>('vnf', 'show', vnfId)).instantiatedVnfInfo.vnfState,
      ).toBe('STOPPED');
      expect((await cli('vnf', 'operate', vnfId, '--state', 'started')).code).toBe(0);
      const noWait = await json<{ vnfLcmOpOccId: string }>('vnf', 'terminate', vnfId, '--no-wait');
      expect(noWait.vnfLcmOpOccId).toMatch(/^[0-9a-f-]{36}$/);
      for (
        let i = 0;
        i < 100 &&
        (await json<{ operationState: string }>('op', 'show', noWait.vnfLcmOpOccId)).operationState !== 'COMPLETED';
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect((await cli('vnf', 'delete', vnfId)).code).toBe(0);
    },
    180_000,
  ); // about 25 CLI processes and 8 operations: 30 s is too short on a loaded CI machine

  it('op list/show; a failed instantiation (agent never ready), then op fail', async () => {
    const ops = await json<Array<{ operation: string }>>('op', 'list');
    expect(ops.map((o) => o.operation)).toEqual(
      expect.arrayContaining(['INSTANTIATE', 'MODIFY_INFO', 'SCALE', 'HEAL', 'OPERATE', 'TERMINATE']),
    );
    const id = (await json<{ id: string }>('vnf', 'create', '--vnfd-id', vnfdId)).id;
    // an image the VIM does not have: the emulated cloud refuses the named VIM image
    const r = await cli('vnf', 'instantiate', id, '-p', 'vimImages={"click-on-osv":"no-such-image"}');
    const failed = await json<Array<{ id: string; operationState: string }>>(
      'op',
      'list',
      '--filter',
      `(eq,vnfInstanceId,${id})`,
    );
    if (r.code === 0) {
      // the emulated VIM accepts any image id: then make it fail with retry on a COMPLETED op being refused
      const retry = await cli('op', 'retry', failed[0]!.id);
      expect(retry.code).toBe(1);
      expect(retry.err).toMatch(/409/);
    } else {
      expect(r.err).toMatch(/INSTANTIATE ended FAILED_TEMP: .*clickvnfm op retry\|rollback\|fail/);
      const fail = await cli('op', 'fail', failed[0]!.id);
      expect(fail.code).toBe(0);
      expect((await json<{ operationState: string }>('op', 'show', failed[0]!.id)).operationState).toBe('FAILED');
    }
  }, 90_000);

  it('subscription create (the callback answers GET 204), list, delete', async () => {
    const consumer = http.createServer((req, res) => res.writeHead(req.method === 'GET' ? 204 : 204).end());
    await new Promise<void>((r) => consumer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(consumer.address() as { port: number }).port}/notify`;
    const s = await json<{ id: string; callbackUri: string }>(
      'subscription',
      'create',
      '--callback',
      url,
      '--basic',
      'nfvo:cb-pass-123',
    );
    expect(s.callbackUri).toBe(url);
    expect(JSON.stringify(s)).not.toContain('cb-pass-123');
    expect((await json<Array<{ id: string }>>('subscription', 'list')).map((x) => x.id)).toContain(s.id);
    expect((await cli('subscription', 'delete', s.id)).code).toBe(0);
    expect((await json<Array<{ id: string }>>('subscription', 'list')).map((x) => x.id)).not.toContain(s.id);
    consumer.close();
  }, 60_000);

  it('alarm list (filters), show and ack of an unknown alarm (404, exit 1), rebuild', async () => {
    const none = await json<unknown[]>(
      'alarm',
      'list',
      '--active',
      '--instance',
      '00000000-0000-4000-8000-0000000000aa',
    );
    expect(none).toEqual([]);
    const table = await cli('alarm', 'list');
    expect(table.code).toBe(0);
    for (const verb of ['show', 'ack']) {
      const r = await cli('alarm', verb, 'no-such-alarm');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/\/vnffm\/v1\/alarms\/no-such-alarm: 404 Not Found/);
    }
    const rebuilt = await json<{ pendingInstances: number; clearedAlarms: number }>('alarm', 'rebuild');
    expect(rebuilt).toEqual({ pendingInstances: expect.any(Number), clearedAlarms: 0 });
    const human = await cli('alarm', 'rebuild');
    expect(human.out).toMatch(/^rebuilding: \d+ instance\(s\) to look at again, 0 alarm\(s\)/);
  }, 60_000);

  it(
    'errors: an unknown instance is the ProblemDetails on stderr (exit 1);' +
      ' --json gives it as JSON; no VNFM reachable names the URL',
    async () => {
      const r = await cli('vnf', 'show', '00000000-0000-4000-8000-000000000000');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^clickvnfm: GET \/vnflcm\/v1\/vnf_instances\/0{8}-0{4}-4000-8000-0{12}: 404 Not Found: /);
      const j = await cli('--json', 'vnf', 'show', '00000000-0000-4000-8000-000000000000');
      expect(JSON.parse(j.err)).toMatchObject({ status: 404 });
      const gone = await cli('vnf', 'list', '--settings', join(dir, 'none.json'));
      expect(gone.err).toContain("no VNFM configured: run 'clickvnfm login");
      writeFileSync(
        join(dir, 'dead.json'),
        JSON.stringify({ url: 'http://127.0.0.1:1', clientId: 'x', clientSecret: 'y' }),
      );
      const dead = await cli('vnf', 'list', '--settings', join(dir, 'dead.json'));
      expect(dead.err).toContain('cannot reach the VNFM at http://127.0.0.1:1/oauth2/token');
    },
    60_000,
  );

  it('the client secret never appears in any output', () => {
    expect(outputs.join('\n')).not.toContain(SECRET);
  });
});
