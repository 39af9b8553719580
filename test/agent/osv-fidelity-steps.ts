/**
 * What a manager does to a fresh Click-on-OSv VM, as a fixed list of steps (OSv's REST API on the VM's port 8000,
 * Click's ControlSocket on 8001): run against the real image under QEMU by test/realvm/capture-osv.test.ts (the
 * answers kept in test/fixtures/osv-real/steps.json) and against the emulator by emulator-fidelity.test.ts, which
 * compares the two step by step. Each step records the status (HTTP status, the ControlSocket's reply code), the
 * content type, the body and the time it took; what legitimately varies (uptimes, thread ids, CPU times, memory
 * numbers, counter values) is normalized to a placeholder (`<int>`, `<float>`), the structure kept.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { textRequest } from '../../src/net/text-http';

export interface FidelityTarget {
  host: string;
  /** OSv's REST API (8000 inside the VM). */
  apiPort: number;
  /** Click's ControlSocket (8001 inside the VM). */
  controlPort: number;
}

/** One step's answer, normalized. */
export interface Observation {
  step: string;
  /** HTTP status, the ControlSocket's last reply code, or 0 when there was no answer (see body). */
  status: number;
  contentType: string | null;
  body: string;
  ms: number;
}

interface Raw {
  status: number;
  contentType: string | null;
  body: string;
}

interface Ctx {
  target: FidelityTarget;
  /** The thread id(s) answered by the last successful `PUT /app/` of Click. */
  tid: string;
  /** /os/memory/free just before a Click start. */
  freeBefore: number;
}

interface Step {
  name: string;
  run(ctx: Ctx): Promise<Raw>;
  normalize?(body: string, ctx: Ctx): string;
}

/** The configuration the agent writes (needs no DPDK: TCG has none). */
export const CONFIG = 'src :: RatedSource(RATE 200) -> c :: Counter -> Discard;\n';
export const HOT_CONFIG = 'src :: RatedSource(RATE 400) -> c :: Counter -> extra :: Counter -> Discard;\n';
export const BAD_CONFIG = 'src :: RatedSource(RATE 200) -> c :: Fooo -> Discard;\n';
/** The agent's command line (src/agent/osv-controlsocket-agent.ts start()). */
export const CLICK_COMMAND = '/click -R -p 8001 /func.click';

const enc = encodeURIComponent;

// ---- HTTP ----

async function http(
  ctx: Ctx,
  method: string,
  path: string,
  body?: string | FormData,
  timeoutMs = 20_000,
): Promise<Raw> {
  try {
    const r = await textRequest({
      url: `http://${ctx.target.host}:${ctx.target.apiPort}${path}`,
      method,
      ...(body !== undefined ? { body } : {}),
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const ct = r.headers['content-type'];
    return { status: r.status, contentType: typeof ct === 'string' ? ct : null, body: r.text };
  } catch (err) {
    return { status: 0, contentType: null, body: `<no answer: ${failure(err)}>` };
  }
}

/** A network failure by its kind (the wording differs between Node's errors for the same event). */
function failure(err: unknown): string {
  const code = String((err as { cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code ?? '');
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /hang up|closed/i.test(String(err))) return 'connection dropped';
  if (/abort|timeout/i.test(String(err)) || code === 'ABORT_ERR') return 'timeout';
  return code !== '' ? code : String(err);
}

/** The agent's upload: POST /file/<path> with a multipart `file` field (osv-controlsocket-agent.ts writeFile). */
function upload(ctx: Ctx, path: string, content: string, timeoutMs?: number): Promise<Raw> {
  const form = new FormData();
  form.set('file', new Blob([content]), path.slice(path.lastIndexOf('/') + 1));
  return http(ctx, 'POST', `/file/${enc(path)}`, form, timeoutMs);
}

function putApp(ctx: Ctx, command: string, newProgram: boolean): Promise<Raw> {
  return http(ctx, 'PUT', `/app/?command=${enc(command)}${newProgram ? '&new_program=true' : ''}`);
}

// ---- the ControlSocket ----

/**
 * One ControlSocket session: the greeting, then `command` (and `data` for WRITEDATA), the whole reply (its `CODE-`
 * lines, the last `CODE ` line, a READ's `DATA n` and n bytes); the connection is then closed. The body is the reply
 * as sent (`\r\n` kept); the greeting alone when `command` is empty.
 */
export function controlSocket(target: FidelityTarget, command: string, data = '', timeoutMs = 10_000): Promise<Raw> {
  return new Promise((resolve) => {
    const sock = connect({ host: target.host, port: target.controlPort });
    let buf = '';
    let greeted = false;
    let done = false;
    const finish = (r: Raw): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const noAnswer = (why: string): Raw => ({ status: 0, contentType: null, body: `${buf}<no answer: ${why}>` });
    const timer = setTimeout(() => finish(noAnswer('timeout')), timeoutMs);
    sock.on('error', (err) => finish(noAnswer(failure(err))));
    sock.on('close', () => finish(noAnswer('connection dropped')));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (!greeted) {
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const greeting = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        greeted = true;
        if (command === '') return finish({ status: 200, contentType: null, body: greeting });
        sock.write(`${command}\r\n${data}`);
      }
      const reply = completeReply(buf);
      if (reply !== undefined) finish({ status: reply, contentType: null, body: buf });
    });
  });
}

/** The code of a complete reply in `buf` (undefined while more is to come). */
function completeReply(buf: string): number | undefined {
  const lines = buf.split('\r\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^(\d{3}) /.exec(lines[i] as string);
    if (m === null) continue;
    const code = Number(m[1]);
    const data = /^DATA (\d+)$/.exec(lines[i + 1] ?? '');
    if (data === null) return i + 1 < lines.length - 1 || !/^200 Read/.test(lines[i] as string) ? code : undefined;
    const rest = lines.slice(i + 2).join('\r\n');
    return Buffer.byteLength(rest, 'latin1') >= Number(data[1]) ? code : undefined;
  }
  return undefined;
}

function cs(name: string, command: string, normalize?: (data: string) => string, data = ''): Step {
  return {
    name,
    run: (ctx) => controlSocket(ctx.target, command, data),
    ...(normalize !== undefined ? { normalize: (b: string) => normalizeData(b, normalize) } : {}),
  };
}

/** A READ reply with its DATA normalized (`DATA n` then `DATA <n>` when the data changed). */
function normalizeData(body: string, fn: (data: string) => string): string {
  const m = /^([\s\S]*?DATA )(\d+)\r\n([\s\S]*)$/.exec(body);
  if (m === null) return body;
  const data = m[3] as string;
  const next = fn(data);
  return next === data ? body : `${m[1]}<n>\r\n${next}`;
}

// ---- normalizers ----

const INT = '<int>';
/** A number by its type (an integer, or a float: Click's `rate` is one). */
const num = (s: string): string => (/^-?\d+$/.test(s.trim()) ? INT : /^-?\d*\.\d+$/.test(s.trim()) ? '<float>' : s);

/** Every number in a JSON value replaced by `<int>`/`<float>` (keys, strings and structure kept). */
function numbersOut(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? INT : '<float>';
  if (Array.isArray(v)) return v.map(numbersOut);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersOut(x)]));
  return v;
}

function jsonNumbersOut(body: string): string {
  try {
    return JSON.stringify(numbersOut(JSON.parse(body)));
  } catch {
    return body;
  }
}

/** /network/ifconfig/: numbers out, and the management NIC's addresses (where the VM is: QEMU's 10.0.2.15...). */
export function ifconfigOut(body: string): string {
  try {
    const v = JSON.parse(body) as Array<{ config?: Record<string, unknown> }>;
    for (const i of v)
      if (i.config !== undefined && i.config['name'] !== 'lo0')
        for (const k of ['addr', 'mask', 'broadcast']) if (k in i.config) i.config[k] = '<ipv4>';
    return JSON.stringify(numbersOut(v));
  } catch {
    return body;
  }
}

/**
 * /os/threads: ids, CPU times and counters out; the threads by name, sorted (their order and number of
 * switches vary), each name once with how many there are; the status of a thread out (it changes by the ms).
 */
export function threadsOut(body: string): string {
  try {
    const v = JSON.parse(body) as { list?: Array<Record<string, unknown>>; time_ms?: unknown };
    const keys = new Set<string>();
    const names = new Map<string, number>();
    for (const t of v.list ?? []) {
      Object.keys(t).forEach((k) => keys.add(k));
      names.set(String(t['name']), (names.get(String(t['name'])) ?? 0) + 1);
    }
    return JSON.stringify({
      keys: [...keys].sort(),
      names: [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([n, k]) => (k > 1 ? `${n} x${k}` : n)),
      time_ms: numbersOut(v.time_ms),
    });
  } catch {
    return body;
  }
}

/** Memory a Click start took, in MB, rounded up to a power of two (its exact size varies by a few pages). */
export function memoryBucket(bytes: number): string {
  const mb = Math.max(0, bytes) / (1024 * 1024);
  let b = 1;
  while (b < mb) b *= 2;
  return `<=${b} MB`;
}

// ---- waits (steps too: their answer is whether the wait ended as it should) ----

async function threadsOf(ctx: Ctx): Promise<string[] | undefined> {
  const r = await http(ctx, 'GET', '/os/threads');
  try {
    return (JSON.parse(r.body) as { list: Array<{ name: string }> }).list.map((t) => t.name);
  } catch {
    return undefined;
  }
}

const CLICK_THREAD = /^(\/usr\/bin\/click|click)$/;

/**
 * Until Click's threads are gone from /os/threads (not by knocking at its ControlSocket: a connection waiting while
 * Click closes the socket crashes OSv v0.57, see the agent's stop()).
 */
function waitClickGone(name: string): Step {
  return {
    name,
    run: async (ctx) => {
      for (const end = Date.now() + 20_000; Date.now() < end; await sleep(200)) {
        const names = await threadsOf(ctx);
        if (names !== undefined && !names.some((n) => CLICK_THREAD.test(n)))
          return { status: 200, contentType: null, body: 'Click exited' };
      }
      return { status: 0, contentType: null, body: 'Click still runs after 20 s' };
    },
  };
}

/** Until the ControlSocket greets (Click started, its ControlSocket listens). */
function waitControlSocket(name: string): Step {
  return {
    name,
    run: async (ctx) => {
      for (const end = Date.now() + 30_000; Date.now() < end; await sleep(300)) {
        const r = await controlSocket(ctx.target, '', '', 3000);
        if (r.status === 200) return { status: 200, contentType: null, body: 'ControlSocket answers' };
      }
      return { status: 0, contentType: null, body: 'no ControlSocket after 30 s' };
    },
  };
}

function pause(name: string, ms: number): Step {
  return { name, run: async () => (await sleep(ms), { status: 200, contentType: null, body: '' }) };
}

function get(name: string, path: string, normalize?: (body: string) => string): Step {
  return { name, run: (ctx) => http(ctx, 'GET', path), ...(normalize !== undefined ? { normalize } : {}) };
}

const file = (path: string): string => `/file/${enc(path)}?op=GET`;

/** The memory the last Click start took, as a bucket (/os/memory/free before and after). */
const memoryTaken: Step = {
  name: 'GET /os/memory/free after the start (what Click took)',
  run: (ctx) => http(ctx, 'GET', '/os/memory/free'),
  normalize: (body, ctx) => `${INT}; taken ${memoryBucket(ctx.freeBefore - Number(body))}`,
};

const freeBefore: Step = {
  name: 'GET /os/memory/free before a Click start',
  run: async (ctx) => {
    const r = await http(ctx, 'GET', '/os/memory/free');
    ctx.freeBefore = Number(r.body);
    return r;
  },
  normalize: () => INT,
};

function startClick(name: string, newProgram = true): Step {
  return {
    name,
    run: async (ctx) => {
      const r = await putApp(ctx, CLICK_COMMAND, newProgram);
      if (r.status === 200) ctx.tid = String(JSON.parse(r.body)).split(' ')[0] ?? '';
      return r;
    },
    // the thread id(s), as a JSON string
    normalize: (b) => b.replace(/\d+/g, INT),
  };
}

function finished(name: string): Step {
  return { name, run: (ctx) => http(ctx, 'GET', `/app/finished?tid=${ctx.tid}`) };
}

export const STEPS: Step[] = [
  get('GET /os/version', '/os/version'),
  get('GET /os/uptime', '/os/uptime', jsonNumbersOut),
  get('GET /os/memory/total', '/os/memory/total', jsonNumbersOut),
  get('GET /os/memory/free', '/os/memory/free', jsonNumbersOut),
  get('GET /os/threads at boot', '/os/threads', threadsOut),
  get('GET /network/ifconfig/', '/network/ifconfig/', ifconfigOut),
  get('GET /fs/df/', '/fs/df/', jsonNumbersOut),
  get('GET /file/func.click at boot', file('/func.click')),
  get('GET /file/click_errors.txt at boot', file('/click_errors.txt')),
  get('GET of a missing file', file('/no-such-file.click')),
  get('GET /file/func.click without op', `/file/${enc('/func.click')}`),
  cs('ControlSocket greeting', ''),
  cs('READ version', 'READ version'),
  cs('READ list (the boot configuration)', 'READ list'),
  cs('READ handlers (global)', 'READ handlers'),
  cs('WRITE stop (the boot Click)', 'WRITE stop'),
  waitClickGone('Click exits after WRITE stop'),
  get('GET /os/threads without Click', '/os/threads', threadsOut),
  { name: 'POST /file/click_errors.txt (empty it)', run: (ctx) => upload(ctx, '/click_errors.txt', '') },
  { name: 'POST /file/func.click (multipart)', run: (ctx) => upload(ctx, '/func.click', CONFIG) },
  get('GET /file/func.click after the upload', file('/func.click')),
  // OSv never answers this one: given up after 5 s
  { name: 'POST to a read-only path (/proc)', run: (ctx) => upload(ctx, '/proc/func.click', CONFIG, 5000) },
  { name: 'PUT /app/ of an unknown program', run: (ctx) => putApp(ctx, '/no-such-program -x', true) },
  freeBefore,
  startClick("PUT /app/ with the agent's command line (new_program=true)"),
  waitControlSocket('the ControlSocket answers'),
  memoryTaken,
  get('GET /os/threads with Click', '/os/threads', threadsOut),
  finished('GET /app/finished of the running Click'),
  get('GET /file/click_errors.txt while Click runs', file('/click_errors.txt')),
  cs('READ list', 'READ list'),
  cs('READ c.class', 'READ c.class'),
  cs('READ c.handlers', 'READ c.handlers'),
  cs('READ c.count', 'READ c.count', num),
  cs('READ c.rate', 'READ c.rate', num),
  cs('READ of a missing element', 'READ nope.count'),
  cs('READ of a missing handler', 'READ c.nope'),
  cs('READ of a missing global handler', 'READ nope'),
  cs('WRITE of a read-only handler', 'WRITE c.count 5'),
  cs('WRITE c.reset', 'WRITE c.reset'),
  cs('CHECKWRITE c.reset', 'CHECKWRITE c.reset'),
  cs('an unknown command', 'FROB c.count'),
  startClick('PUT /app/ while Click runs'),
  pause('wait for the second Click', 2000),
  get('GET /file/click_errors.txt after the second start', file('/click_errors.txt')),
  cs('READ version (the first Click still runs)', 'READ version'),
  cs('WRITEDATA hotconfig (good)', `WRITEDATA hotconfig ${Buffer.byteLength(HOT_CONFIG)}`, undefined, HOT_CONFIG),
  cs('READ list after hotconfig', 'READ list'),
  cs('WRITEDATA hotconfig (bad)', `WRITEDATA hotconfig ${Buffer.byteLength(BAD_CONFIG)}`, undefined, BAD_CONFIG),
  get('GET /file/click_errors.txt after the bad hotconfig', file('/click_errors.txt')),
  cs('WRITE stop', 'WRITE stop'),
  waitClickGone('Click exits'),
  { name: 'POST /file/func.click (a bad configuration)', run: (ctx) => upload(ctx, '/func.click', BAD_CONFIG) },
  { name: 'POST /file/click_errors.txt (empty it again)', run: (ctx) => upload(ctx, '/click_errors.txt', '') },
  startClick('PUT /app/ of Click on the bad configuration'),
  pause('wait for Click to read it', 2000),
  get('GET /file/click_errors.txt after the bad start', file('/click_errors.txt')),
  finished('GET /app/finished of the Click that failed'),
  { name: 'POST /os/shutdown', run: (ctx) => http(ctx, 'POST', '/os/shutdown', undefined, 10_000) },
  pause('wait for the power off', 2000),
  get('GET /os/uptime after the shutdown', '/os/uptime'),
];

/** Runs every step in order against a freshly booted VM. */
export async function runSteps(target: FidelityTarget): Promise<Observation[]> {
  const ctx: Ctx = { target, tid: '', freeBefore: 0 };
  const out: Observation[] = [];
  for (const step of STEPS) {
    const t0 = performance.now();
    const raw = await step.run(ctx);
    const ms = Math.round(performance.now() - t0);
    const body = raw.status === 0 || step.normalize === undefined ? raw.body : step.normalize(raw.body, ctx);
    out.push({ step: step.name, status: raw.status, contentType: raw.contentType, body, ms });
  }
  return out;
}
