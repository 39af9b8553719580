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
    const res = await fetch(base + path, {
      method,
      body,
      headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    });
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
    expect(await raw('POST', '/click_plugin/write_file?path=/tmp/x&content=abc')).toEqual({
      status: 200,
      text: 'OK!!',
    });
    expect(vm.files.get('/tmp/x')).toBe('abc');
    const config = 'InfiniteSource -> c :: Counter -> Discard;';
    expect(
      await raw(
        'POST',
        '/click_plugin/write_file',
        new URLSearchParams({ path: 'func.click', content: config }).toString(),
      ),
    ).toEqual({ status: 200, text: 'OK!!' });
    expect(await raw('GET', '/click_plugin/read_file')).toEqual({ status: 200, text: JSON.stringify(config) });
  });

  it('start answers "Sucess: PID n" (sic), then "Click is already running"; stop "Success"', async () => {
    const start = await raw('POST', '/click_plugin/start');
    expect(start.status).toBe(200);
    expect(start.text).toMatch(/^"Sucess: PID \d+"$/);
    expect(await raw('GET', '/click_plugin/running')).toEqual({ status: 200, text: 'true' });
    expect(await raw('POST', '/click_plugin/start')).toEqual({ status: 200, text: '"Click is already running"' });
    expect(await raw('GET', '/click_plugin/vnf_identification')).toEqual({
      status: 200,
      text: '{"id":"","version":"","name":"","description":"","provider":""}',
    });
    expect(await raw('POST', '/click_plugin/stop')).toEqual({ status: 200, text: '"Success"' });
  });

  it('a bad config: start still says "Sucess", running reads false, log holds Click\'s error', async () => {
    await raw(
      'POST',
      '/click_plugin/write_file',
      new URLSearchParams({ path: '/func.click', content: 'InfiniteSource -> Nope -> Discard;' }).toString(),
    );
    expect((await raw('POST', '/click_plugin/start')).text).toMatch(/^"Sucess: PID \d+"$/);
    expect(await raw('GET', '/click_plugin/running')).toEqual({ status: 200, text: 'false' });
    const log = await raw('GET', '/click_plugin/log');
    expect(log.status).toBe(200);
    expect(JSON.parse(log.text)).toBe("func.click:1: unknown element class 'Nope'\nRouter could not be initialized!\n");
    // vnf_identification stays empty: Click does not run
    expect((await raw('GET', '/click_plugin/vnf_identification')).text).toBe(
      '{"id":"","version":"","name":"","description":"","provider":""}',
    );
  });

  it('metrics: five integer percentages as deltas since the previous call, and time_ms', async () => {
    await raw(
      'POST',
      '/click_plugin/write_file',
      new URLSearchParams({ path: '/func.click', content: 'FromDPDKDevice(0) -> ToDPDKDevice(1);' }).toString(),
    );
    await raw('POST', '/click_plugin/start');
    await raw('GET', '/click_plugin/metrics'); // sets the baseline
    now += 1000;
    const m = JSON.parse((await raw('GET', '/click_plugin/metrics')).text) as {
      list: Array<{ id: number; name: string; value: number }>;
      time_ms: number;
    };
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

  it(
    'vnf_identification: the header fields,' + ' in the documented order, while Click runs with a valid header',
    async () => {
      const header = [
        '//VNF_HEADER',
        '//VNF_VERSION: 1.0',
        '//VNF_ID: 0f0c3a52-5a0e-4c54-9b4e-0c2f6a0b9a11',
        '//VNF_PROVIDER: Example',
        '//VNF_NAME: forwarder',
        '//VNF_RELEASE_DATE: 2017-06-01 00:00',
        '//VNF_RELEASE_VERSION: 1.0',
        '//VNF_RELEASE_LIFESPAN: 2027-06-01 00:00',
        '//VNF_DESCRIPTION: Forwards packets between two ports',
      ].join('\n');
      await raw('POST', '/click_plugin/stop');
      await raw(
        'POST',
        '/click_plugin/write_file',
        new URLSearchParams({
          path: '/func.click',
          content: `${header}\nFromDPDKDevice(0) -> ToDPDKDevice(1);\n`,
        }).toString(),
      );
      expect((await raw('POST', '/click_plugin/start')).text).toMatch(/^"Sucess: PID \d+"$/);
      expect(await raw('GET', '/click_plugin/vnf_identification')).toEqual({
        status: 200,
        text:
          '{"id":"0f0c3a52-5a0e-4c54-9b4e-0c2f6a0b9a11","version":"1.0","name":"forwarder",' +
          '"description":"Forwards packets between two ports","provider":"Example"}',
      });
      expect(await raw('GET', '/click_plugin/log')).toEqual({ status: 200, text: '""' });
      await raw('POST', '/click_plugin/stop');
      expect((await raw('GET', '/click_plugin/vnf_identification')).text).toBe(
        '{"id":"","version":"","name":"","description":"","provider":""}',
      );
    },
  );

  it('memory Click took is not given back by stop (only a reboot frees it)', async () => {
    const memory = async (): Promise<number> => {
      const m = JSON.parse((await raw('GET', '/click_plugin/metrics')).text) as {
        list: Array<{ name: string; value: number }>;
      };
      return m.list.find((x) => x.name === 'Memory Usage')!.value;
    };
    const before = await memory();
    await raw('POST', '/click_plugin/start');
    await raw('POST', '/click_plugin/stop');
    expect(await memory()).toBeGreaterThan(before);
    expect(Number(await (await fetch(base + '/os/memory/free')).text())).toBe(vm.memoryBytes - vm.usedMemoryBytes);
  });

  it('the stock OSv endpoints a manager uses answer in their shapes', async () => {
    expect((await raw('GET', '/os/uptime')).text).toMatch(/^\d+$/);
    expect(JSON.parse((await raw('GET', '/os/version')).text)).toEqual(expect.any(String));
    expect(Number((await raw('GET', '/os/memory/total')).text)).toBe(512 * 1024 * 1024);
    const threads = JSON.parse((await raw('GET', '/os/threads')).text) as {
      list: Array<Record<string, unknown>>;
      time_ms: number;
    };
    expect(threads.time_ms).toBe(now);
    expect(threads.list[0]).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        name: expect.any(String),
        cpu_ms: expect.any(Number),
        status: expect.any(String),
      }),
    );
    const ifc = JSON.parse((await raw('GET', '/network/ifconfig/')).text) as Array<{
      config: Record<string, unknown>;
      data: Record<string, unknown>;
    }>;
    // as the real image lists them (test/fixtures/osv-real/steps.json): lo0 first, then eth0; OSv's mtu is a string
    const eth0 = ifc.find((i) => i.config['name'] === 'eth0')!;
    expect(ifc[0]!.config['name']).toBe('lo0');
    expect(eth0.config).toEqual(expect.objectContaining({ name: 'eth0', addr: '127.0.0.1', mtu: '1500' }));
    expect(Object.keys(eth0.data)).toEqual(
      expect.arrayContaining([
        'ifi_ipackets',
        'ifi_ibytes',
        'ifi_opackets',
        'ifi_obytes',
        'ifi_ierrors',
        'ifi_oerrors',
        'ifi_iqdrops',
      ]),
    );
    expect(JSON.parse((await raw('GET', '/fs/df/')).text)).toEqual([expect.objectContaining({ mount: '/' })]);
    expect((await raw('PUT', '/file/%2Ftmp%2Fy?op=WRITE&content=hello&overwrite=true')).status).toBe(200);
    expect(await raw('GET', '/file/%2Ftmp%2Fy?op=GET')).toEqual({ status: 200, text: 'hello' });
    expect((await raw('GET', '/file/%2Fnope?op=GET')).status).toBe(404);
  });
});
