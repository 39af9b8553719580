/**
 * The data plane (issue #17): packets through Click inside a real Click-on-OSv VM, next to the same Click on Linux.
 * Run: `npm run build && node dist/bench/dataplane.js --image PATH.qcow2 [--click PATH] [--seconds S]`
 * (`--only osv|linux`: one side).
 * (as root: the Linux side needs a network namespace; without --click only the VM is measured).
 *
 * Both sides run one Click configuration, a UDP reflector: `s :: Socket(UDP, 0.0.0.0, 5000) -> c :: Counter -> s`
 * (every datagram in goes through a Counter and back to its sender; 18 bytes of payload: a 64-byte Ethernet frame).
 * - OSv: the image under QEMU (TCG: no KVM here), virtio-net with QEMU's user networking, UDP 5000 forwarded from
 *   127.0.0.1; the configuration pushed and Click started by the osv-controlsocket agent, as the VNFM does.
 * - Linux: `--click PATH` (the image's own Click binary runs on Linux: image-build's
 *   `src-modern/osv/modules/click/click`), in a network namespace behind a veth pair (10.213.0.2).
 * A sender (this process) sends at a fixed rate for S seconds (default 5) and counts what comes back; the rate
 * doubles from 1,000 pps until packets are lost, then a bisection between the last rate without loss and the first
 * with; "zero loss" is every datagram back. Click's own `c.count` says how many went through Click. Each trial's
 * figures are printed; the default run (no --seconds) writes its section of docs/benchmarks.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpVnfAgentFactory } from '../src/agent';
import { ControlSocketClient } from '../src/agent/control-socket-client';
import { bootQemuVm } from '../test/support/qemu-vm';
import { runMain, writeSection } from './support';

const REFLECTOR = 's :: Socket(UDP, 0.0.0.0, 5000) -> c :: Counter -> s;\n';
const PAYLOAD_BYTES = 18; // + 8 UDP + 20 IP + 14 Ethernet + 4 FCS = 64
const MAX_PPS = 400_000;

interface Target {
  name: string;
  host: string;
  port: number;
  /** Click's c.count now. */
  clickCount(): Promise<number>;
}

interface Trial {
  pps: number;
  sent: number;
  back: number;
  throughClick: number;
  lossPercent: number;
}

/** Sends `pps` datagrams a second for `seconds` to the target and counts the ones that come back. */
async function trial(t: Target, pps: number, seconds: number): Promise<Trial> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.connect(t.port, t.host, r));
  let back = 0;
  sock.on('message', () => back++);
  const before = await t.clickCount();
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
  const start = process.hrtime.bigint();
  let sent = 0;
  const total = Math.round(pps * seconds);
  while (sent < total) {
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const due = Math.min(total, Math.floor(elapsed * pps));
    for (; sent < due; sent++) sock.send(payload);
    await new Promise((r) => setImmediate(r));
  }
  await sleep(1500); // what is still in QEMU's or Click's queues comes back
  const after = await t.clickCount();
  sock.close();
  const lossPercent = sent === 0 ? 0 : Math.max(0, ((sent - back) / sent) * 100);
  return { pps, sent, back, throughClick: after - before, lossPercent };
}

/** The highest rate without loss: doubling from 1,000 pps, then 4 bisection steps. */
async function zeroLoss(
  t: Target,
  seconds: number,
  log: (s: string) => void,
): Promise<{ best: number; trials: Trial[] }> {
  const trials: Trial[] = [];
  const run = async (pps: number): Promise<boolean> => {
    const r = await trial(t, pps, seconds);
    trials.push(r);
    log(
      `${t.name}: ${pps} pps: sent ${r.sent}, back ${r.back}, through Click ${r.throughClick}, ` +
        `loss ${r.lossPercent.toFixed(2)} %`,
    );
    return r.back >= r.sent;
  };
  let good = 0;
  let bad = 0;
  for (let pps = 1000; pps <= MAX_PPS; pps *= 2) {
    if (await run(pps)) good = pps;
    else {
      bad = pps;
      break;
    }
  }
  for (let i = 0; i < 4 && bad > 0 && bad - good > good * 0.05; i++) {
    const mid = Math.round((good + bad) / 2);
    if (await run(mid)) good = mid;
    else bad = mid;
  }
  return { best: good, trials };
}

async function controlCount(host: string, port: number): Promise<number> {
  const c = await ControlSocketClient.open(host, port, 5000);
  try {
    const r = await c.read('c.count');
    return Number((r.data ?? '').trim());
  } finally {
    c.close();
  }
}

async function osvTarget(image: string): Promise<{ target: Target; close(): Promise<void> }> {
  const vm = await bootQemuVm(image, { udp: [5000] });
  const agent = new HttpVnfAgentFactory({ timeoutMs: 20_000 }).forEndpoint(vm.endpoint);
  await agent.waitReady({ graceMs: 0, intervalMs: 250, deadlineMs: 120_000, subject: 'the OSv VM' });
  await agent.deploy(REFLECTOR);
  const control = vm.endpoint.controlSocketPort ?? 8001;
  return {
    target: {
      name: 'Click in OSv (QEMU TCG, virtio-net, user networking)',
      host: '127.0.0.1',
      port: vm.udp.get(5000) ?? 0,
      clickCount: () => controlCount('127.0.0.1', control),
    },
    close: () => vm.close(),
  };
}

const sh = (args: string[]): void => {
  const r = spawnSync(args[0] ?? '', args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
};

async function linuxTarget(click: string): Promise<{ target: Target; close(): Promise<void> }> {
  const ns = `clickdp${process.pid}`;
  const [outer, inner] = [`vdp${process.pid}a`, `vdp${process.pid}b`];
  sh(['ip', 'netns', 'add', ns]);
  let proc: ChildProcess | undefined;
  const close = async (): Promise<void> => {
    proc?.kill('SIGKILL');
    spawnSync('ip', ['link', 'del', outer]);
    spawnSync('ip', ['netns', 'del', ns]);
    await sleep(100);
  };
  try {
    sh(['ip', 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    sh(['ip', 'link', 'set', inner, 'netns', ns]);
    sh(['ip', 'addr', 'add', '10.213.0.1/30', 'dev', outer]);
    sh(['ip', 'link', 'set', outer, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', '10.213.0.2/30', 'dev', inner]);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up']);
    sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    proc = spawn('ip', ['netns', 'exec', ns, click, '-p', '9001', '-e', REFLECTOR], { stdio: 'inherit' });
    for (let i = 0; ; i++) {
      try {
        await controlCount('10.213.0.2', 9001);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await sleep(100);
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    target: {
      name: 'Click on Linux (network namespace, veth)',
      host: '10.213.0.2',
      port: 5000,
      clickCount: () => controlCount('10.213.0.2', 9001),
    },
    close,
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const only = arg('only');
  const image = arg('image');
  const click = arg('click');
  if (image === undefined && only !== 'linux')
    throw new Error('give --image PATH.qcow2 (a Click-on-OSv image: docs/image-build.md)');
  if (click === undefined && only === 'linux') throw new Error('--only linux needs --click PATH');
  const seconds = Number(arg('seconds') ?? 5);
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const results: Array<{ name: string; best: number; trials: Trial[] }> = [];
  const loadBefore = loadavg()[0] ?? 0;
  const sides = [
    ...(image === undefined || only === 'linux' ? [] : [() => osvTarget(image)]),
    ...(click === undefined || only === 'osv' ? [] : [() => linuxTarget(click)]),
  ];
  for (const open of sides) {
    const side = await open();
    try {
      results.push({ name: side.target.name, ...(await zeroLoss(side.target, seconds, log)) });
    } finally {
      await side.close();
    }
  }
  const rows = results.map((r) => {
    const last = r.trials.find((t) => t.pps === r.best);
    return `| ${r.name} | ${r.best.toLocaleString('en')} | ${last?.throughClick ?? 0} of ${last?.sent ?? 0} |`;
  });
  const md = [
    '## Data plane: Click in OSv and on Linux (bench/dataplane.ts)',
    '',
    `\`node dist/bench/dataplane.js --image click-on-osv-modern.qcow2${click === undefined ? '' : ' --click PATH'}\`` +
      ` (${seconds} s per trial, 64-byte frames, a UDP reflector through a Counter; the highest rate with every ` +
      'datagram back):',
    '',
    '| where | zero-loss pps | through Click at that rate |',
    '|---|---|---|',
    ...rows,
    '',
    `Load average (1 min) at the start and the end: ${loadBefore.toFixed(1)} and ${(loadavg()[0] ?? 0).toFixed(1)}` +
      " (2 cores; QEMU emulates the VM's CPU in software, TCG, so the OSv figure is the emulator's as much as OSv's).",
    `Measured ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'Every trial:',
    '',
    ...results.flatMap((r) =>
      r.trials.map(
        (t) => `- ${r.name}: ${t.pps} pps sent ${t.sent}, back ${t.back}, loss ${t.lossPercent.toFixed(2)} %`,
      ),
    ),
  ].join('\n');
  log(md);
  if (arg('seconds') === undefined && only === undefined) writeSection(resolve(__dirname, '../..'), 'dataplane', md);
}

runMain(main);
