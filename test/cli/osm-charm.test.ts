/**
 * The OSM proxy charm's actions (osm/charms/clickosv-proxy), run by python3 as Juju runs them, against the
 * Click-on-OSv emulator of each dialect. Juju's hook tools (config-get, action-get, action-set, action-fail)
 * are small stand-ins that read and write files.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmulatedVm, type EmulatedDialect } from '../../src/emulator';
import { freePort } from '../../src/net/free-port';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const CHARM = join(REPO, 'osm/charms/clickosv-proxy');
// scripts/setup.sh installs python3 for the tests: never skipped
const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ?? '/usr/bin/python3';

/** A folder of Juju hook tool stand-ins: config and parameters from JSON files, results appended to files. */
function hookTools(config: Record<string, string>, params: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'charm-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  for (const [k, v] of Object.entries(params)) writeFileSync(join(dir, `param-${k}.json`), JSON.stringify(v));
  const tool = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  tool('config-get', `cat "${dir}/config.json"`);
  tool('action-get', `cat "${dir}/param-$1.json"`);
  tool('action-set', `for a in "$@"; do printf '%s\\n' "$a" >> "${dir}/set.txt"; done`);
  tool('action-fail', `printf '%s\\n' "$1" >> "${dir}/fail.txt"`);
  return dir;
}

async function action(name: string, tools: string): Promise<{ set: string; fail: string }> {
  await run(python, [join(CHARM, 'actions', name)], {
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: '1',
      CHARM_DIR: CHARM,
      PATH: `${tools}:${process.env['PATH'] ?? ''}`,
    },
    timeout: 20_000,
  });
  const text = (f: string) => (existsSync(join(tools, f)) ? readFileSync(join(tools, f), 'utf8') : '');
  return { set: text('set.txt'), fail: text('fail.txt') };
}

async function bootVm(dialect: EmulatedDialect) {
  const controlPort = await freePort();
  const vm = new EmulatedVm({ dialect, host: '127.0.0.1', port: 0, controlPort });
  await vm.boot();
  const config = {
    host: '127.0.0.1',
    dialect,
    'api-port': String(vm.address?.port),
    'controlsocket-port': String(controlPort),
    'grace-ms': '0',
    'interval-ms': '200',
    'deadline-ms': '5000',
  };
  return { vm, config };
}

const click = (sample: string) => readFileSync(join(REPO, `vnfd/${sample}/Files/click/${sample}.click`), 'utf8');

describe('the clickosv-proxy charm against the emulator', () => {
  const vms: EmulatedVm[] = [];
  afterAll(async () => {
    for (const vm of vms) await vm.powerOff();
  });

  it('click-plugin: push-click-config writes /func.click and starts Click; click-status says it runs', async () => {
    const { vm, config } = await bootVm('click-plugin');
    vms.push(vm);
    const pushed = await action('push-click-config', hookTools(config, { config: click('firewall') }));
    expect(pushed.fail).toBe('');
    expect(pushed.set).toMatch(/^output=/);
    expect(vm.files.get('/func.click')).toBe(click('firewall'));
    expect(vm.click?.running).toBe(true);
    expect((await action('click-status', hookTools(config, {}))).set).toBe('running=true\n');
  });

  it('osv-controlsocket: a first push starts Click (PUT /app/), the next reconfigures it (hotconfig)', async () => {
    const { vm, config } = await bootVm('osv-controlsocket');
    vms.push(vm);
    const first = await action('push-click-config', hookTools(config, { config: click('nat') }));
    expect(first.fail).toBe('');
    expect(first.set).toMatch(/^output=started: /);
    expect(vm.click?.running).toBe(true);
    const second = await action('push-click-config', hookTools(config, { config: click('nat') }));
    expect(second.fail).toBe('');
    expect(second.set).toMatch(/^output=reconfigured: 200/);
    expect(vm.files.get('/func.click')).toBe(click('nat'));
  });

  it("a configuration Click refuses fails the action with Click's error", async () => {
    const { vm, config } = await bootVm('click-plugin');
    vms.push(vm);
    const bad = click('firewall').replace('IPFilter(', 'NoSuchElement(');
    const pushed = await action('push-click-config', hookTools(config, { config: bad }));
    expect(pushed.fail).toMatch(/^push-click-config: Click does not run: .*NoSuchElement/s);
  });

  it('no host configured: the action fails and says so', async () => {
    const pushed = await action('push-click-config', hookTools({}, { config: 'x' }));
    expect(pushed.fail).toContain("no host: OSM's `config` primitive sets it");
  });
});
