import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { EmulatedVm } from './emulated-vm';

const CONFIG = 'src :: InfiniteSource -> c :: Counter -> Discard;\n';

/** A raw TCP session: send lines, collect everything the server wrote. */
class Raw {
  private buf = '';
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => (this.buf += d.toString()));
  }
  static async open(port: number): Promise<Raw> {
    const sock = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    return new Raw(sock);
  }
  /** Sends `text` and waits until the reply ends with a final `NNN ` line (plus DATA for a READ). */
  async send(text: string): Promise<string> {
    const start = this.buf.length;
    this.sock.write(text);
    for (let i = 0; i < 200; i++) {
      const got = this.buf.slice(start);
      const m = /(^|\n)(\d{3}) [^\r\n]*\r\n(DATA (\d+)\r\n)?/.exec(got);
      if (
        m !== null &&
        (m[2] !== '200' ||
          !/^READ /i.test(text) ||
          (m[4] !== undefined && got.length >= (m.index ?? 0) + m[0].length + Number(m[4])))
      )
        return got;
      await delay(10);
    }
    throw new Error(`no reply to ${JSON.stringify(text)}; got ${JSON.stringify(this.buf.slice(start))}`);
  }
  greeting(): string {
    return this.buf;
  }
  close(): void {
    this.sock.destroy();
  }
}

describe("the emulated Click ControlSocket speaks Click's protocol", () => {
  let vm: EmulatedVm;
  let base: string;
  beforeEach(async () => {
    vm = new EmulatedVm({ dialect: 'osv-controlsocket', host: '127.0.0.1', port: 0 });
    await vm.boot();
    base = `http://127.0.0.1:${vm.address!.port}`;
    const form = new FormData();
    form.set('file', new Blob([CONFIG]), 'func.click');
    expect((await fetch(`${base}/file/%2Ffunc.click`, { method: 'POST', body: form })).status).toBe(200);
  });
  afterEach(async () => vm.powerOff());

  async function launch(flags: string): Promise<Raw> {
    const res = await fetch(`${base}/app/?command=${encodeURIComponent(`/click ${flags} -p 0 /func.click`)}`, {
      method: 'PUT',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^"\d+"$/); // OSv: the thread id, as a JSON string
    const raw = await Raw.open(vm.controlPort!);
    for (let i = 0; i < 50 && raw.greeting() === ''; i++) await delay(10);
    return raw;
  }

  it('greets, reads global and element handlers with DATA, and answers errors with their codes', async () => {
    const cs = await launch('-R');
    expect(cs.greeting()).toBe('Click::ControlSocket/1.3\r\n');
    // every element, anonymous ones named by class and position (Discard@3), and the driver's ControlSocket (-p) last
    expect(await cs.send('READ list\r\n')).toBe(
      "200 Read handler 'list' OK\r\nDATA 46\r\n4\nsrc\nc\nDiscard@3\nclick_driver@@ControlSocket\n",
    );
    // a handler's data as Click returns it: no newline added
    expect(await cs.send('READ c.class\r\n')).toBe("200 Read handler 'c.class' OK\r\nDATA 7\r\nCounter");
    expect(await cs.send('READ nope.count\r\n')).toBe("510 No element named 'nope'\r\n");
    expect(await cs.send('READ c.nope\r\n')).toBe("511 No handler named 'c.nope'\r\n");
    expect(await cs.send('READ c.reset\r\n')).toBe("530 Handler 'c.reset' write-only\r\n");
    expect(await cs.send('READ\r\n')).toBe('500 Wrong number of arguments\r\n');
    expect(await cs.send('FROB x\r\n')).toBe("501 Command 'FROB' unimplemented\r\n");
    expect(await cs.send('CHECKREAD c.count\r\n')).toBe("200 Read handler 'c.count' OK\r\n");
    expect(await cs.send('CHECKWRITE c.count\r\n')).toBe("511 Handler 'c.count' not writable\r\n");
    expect(await cs.send('WRITE c.count 5\r\n')).toBe("530 Handler 'c.count' read-only\r\n");
    expect(await cs.send('CHECKWRITE c.reset\r\n')).toBe("200 Write handler 'c.reset' OK\r\n");
    expect(await cs.send('WRITE list x\r\n')).toBe("530 Handler 'list' read-only\r\n");
    expect(await cs.send('WRITE c.reset\r\n')).toBe("200 Write handler 'c.reset' OK\r\n");
    expect(await cs.send('QUIT\r\n')).toBe('200 Goodbye!\r\n');
    cs.close();
  });

  it(
    'hotconfig: a bad router is refused with 520 and Click-style lines, ' + 'a good one installed in the same process',
    async () => {
      const cs = await launch('-R');
      const pid = vm.click!.pid;
      const bad = 'InfiniteSource -> Fooo -> Discard;\n';
      expect(await cs.send(`WRITEDATA hotconfig ${Buffer.byteLength(bad)}\r\n${bad}`)).toBe(
        // a hot configuration is an expression to Click: its landmark is `config`
        "520-Write handler 'hotconfig' error:\r\n520 config:1: unknown element class 'Fooo'\r\n",
      );
      const good = 'a :: InfiniteSource -> d :: Counter -> Discard;\n';
      expect(await cs.send(`WRITEDATA hotconfig ${Buffer.byteLength(good)}\r\n${good}`)).toBe(
        "200 Write handler 'hotconfig' OK\r\n",
      );
      expect(vm.click!.pid).toBe(pid);
      expect(await cs.send('READ list\r\n')).toContain('4\na\nd\nDiscard@3\nclick_driver@@ControlSocket\n');
      cs.close();
    },
  );

  it('without -R there is no hotconfig handler; WRITE stop ends Click and closes the socket', async () => {
    const cs = await launch('');
    expect(await cs.send('WRITE hotconfig x\r\n')).toBe("511 No handler named 'hotconfig'\r\n");
    expect(await cs.send('WRITE stop\r\n')).toBe("200 Write handler 'stop' OK\r\n");
    await delay(50);
    expect(vm.click!.running).toBe(false);
    await expect(Raw.open(vm.controlPort!)).rejects.toThrow(/ECONNREFUSED/);
    cs.close();
  });
});
