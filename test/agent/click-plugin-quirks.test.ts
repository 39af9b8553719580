import { EmulatedVm } from '../../src/emulator';

/**
 * The emulator's click-plugin answers, byte for byte, where the platform's API document
 * (Click-on-OSv REST API, written down from the original plugin's source) gives them.
 */
describe('emulated click-plugin: answers as the real plugin gives them', () => {
  let vm: EmulatedVm;
  let base: string;
  let now = 1_700_000_000_000;
  beforeAll(async () => {
    vm = new EmulatedVm({ dialect: 'click-plugin', host: '127.0.0.1', port: 0, now: () => now });
    await vm.boot();
    base = `http://127.0.0.1:${vm.address!.port}`;
  });
  afterAll(async () => vm.powerOff());

  async function raw(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    const res = await fetch(base + path, { method, body, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} });
    return { status: res.status, text: await res.text() };
  }

  it('version, running, log before start, start with no config', async () => {
    expect(await raw('GET', '/click_plugin/version')).toEqual({ status: 200, text: '"2.0"' });
    expect(await raw('GET', '/click_plugin/running')).toEqual({ status: 200, text: 'false' });
    expect(await raw('GET', '/click_plugin/log')).toEqual({ status: 200, text: '"Click is not running"' });
    expect(await raw('POST', '/click_plugin/stop')).toEqual({ status: 200, text: '"Click is not running"' });
    expect(await raw('POST', '/click_plugin/start')).toEqual({ status: 200, text: '"Invalid cmd line"' });
  });

  it('write_file answers raw OK!! (query or form body, any path), read_file a JSON string', async () => {
    expect(await raw('POST', '/click_plugin/write_file?path=/tmp/x&content=abc')).toEqual({ status: 200, text: 'OK!!' });
    expect(vm.files.get('/tmp/x')).toBe('abc');
    const config = 'InfiniteSource -> c :: Counter -> Discard;';
    expect(await raw('POST', '/click_plugin/write_file', new URLSearchParams({ path: 'func.click', content: config }).toString())).toEqual({ status: 200, text: 'OK!!' });
    expect(await raw('GET', '/click_plugin/read_file')).toEqual({ status: 200, text: JSON.stringify(config) });
  });

  it('start answers "Sucess: PID n" (sic), then "Click is already running"; stop "Success"', async () => {
    const start = await raw('POST', '/click_plugin/start');
    expect(start.status).toBe(200);
    expect(start.text).toMatch(/^"Sucess: PID \d+"$/);
    expect(await raw('GET', '/click_plugin/running')).toEqual({ status: 200, text: 'true' });
    expect(await raw('POST', '/click_plugin/start')).toEqual({ status: 200, text: '"Click is already running"' });
    expect(await raw('GET', '/click_plugin/vnf_identification')).toEqual({ status: 200, text: '{"id":"","version":"","name":"","description":"","provider":""}' });
    expect(await raw('POST', '/click_plugin/stop')).toEqual({ status: 200, text: '"Success"' });
  });

  it('a bad config: start still says "Sucess", running reads false, log holds Click\'s error', async () => {
    await raw('POST', '/click_plugin/write_file', new URLSearchParams({ path: '/func.click', content: 'InfiniteSource -> Nope -> Discard;' }).toString());
    expect((await raw('POST', '/click_plugin/start')).text).toMatch(/^"Sucess: PID \d+"$/);
    expect(await raw('GET', '/click_plugin/running')).toEqual({ status: 200, text: 'false' });
    const log = await raw('GET', '/click_plugin/log');
    expect(log.status).toBe(200);
    expect(JSON.parse(log.text)).toMatch(/^func\.click:1: unknown element class 'Nope'\nRouter could not be initialized!$/);
  });

  it('metrics: five integer percentages as deltas since the previous call, and time_ms', async () => {
    await raw('POST', '/click_plugin/write_file', new URLSearchParams({ path: '/func.click', content: 'FromDPDKDevice(0) -> ToDPDKDevice(1);' }).toString());
    await raw('POST', '/click_plugin/start');
    await raw('GET', '/click_plugin/metrics'); // sets the baseline
    now += 1000;
    const m = JSON.parse((await raw('GET', '/click_plugin/metrics')).text) as { list: Array<{ id: number; name: string; value: number }>; time_ms: number };
    expect(m.list.map((x) => [x.id, x.name])).toEqual([
      [0, 'CPU Usage'],
      [1, 'Disk Usage'],
      [2, 'Memory Usage'],
      [3, 'Net TX'],
      [4, 'Net RX'],
    ]);
    expect(m.time_ms).toBe(now);
    expect(m.list.every((x) => Number.isInteger(x.value) && x.value >= 0 && x.value <= 100)).toBe(true);
    expect(m.list[0]!.value).toBe(30);
    // a second poller right after sees (almost) nothing: the endpoint keeps state
    const again = JSON.parse((await raw('GET', '/click_plugin/metrics')).text) as { list: Array<{ value: number }> };
    expect(again.list[3]!.value).toBe(0);
    expect(again.list[4]!.value).toBe(0);
  });
});
