import type { ServerResponse } from 'node:http';
import type { EmulatedVm } from './emulated-vm';
import { json } from './http-util';

/** 1 Gbit/s in bytes per millisecond: the platform scales Net TX/RX to a percentage of it. */
const GBIT_BYTES_PER_MS = 125_000;
/** Share of wall time the Click thread uses while it runs. */
const CLICK_CPU_SHARE = 0.3;

/**
 * The 2017 platform's `/click_plugin/...` endpoints, answered exactly as the real plugin does:
 * HTTP 200 whatever happens, JSON values (strings quoted), except write_file's raw `OK!!`.
 * Returns false for a path it does not serve.
 */
export async function handleClickPlugin(
  vm: EmulatedVm,
  method: string,
  url: URL,
  body: Buffer,
  res: ServerResponse,
): Promise<boolean> {
  const op = url.pathname.slice('/click_plugin/'.length);
  const click = vm.click;
  switch (`${method} ${op}`) {
    case 'GET version':
      json(res, '2.0');
      return true;
    case 'GET running':
      json(res, click?.running === true);
      return true;
    case 'POST start': {
      if (click?.running === true) return (void json(res, 'Click is already running'), true);
      if ((vm.files.get('/func.click') ?? '').trim() === '') return (void json(res, 'Invalid cmd line'), true);
      const started = vm.startPluginClick();
      // NOTE: the real plugin answers this (sic) even when Click exits at once on a bad config
      json(res, `Sucess: PID ${started.pid}`);
      return true;
    }
    case 'POST stop':
      json(res, vm.stopClick() ? 'Success' : 'Click is not running');
      return true;
    case 'GET read_file':
      json(res, vm.files.get('/func.click') ?? '');
      return true;
    case 'POST write_file':
    case 'GET write_file': {
      const params = new URLSearchParams(url.search);
      for (const [k, v] of new URLSearchParams(body.toString())) params.set(k, v);
      const path = params.get('path') ?? '/func.click';
      vm.files.set(path.startsWith('/') ? path : `/${path}`, params.get('content') ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK!!');
      return true;
    }
    case 'GET vnf_identification': {
      const h = click?.running === true ? click.header : undefined;
      json(res, {
        id: h?.id ?? '',
        version: h?.version ?? '',
        name: h?.name ?? '',
        description: h?.description ?? '',
        provider: h?.provider ?? '',
      });
      return true;
    }
    case 'GET metrics':
      json(res, metrics(vm));
      return true;
    case 'GET log':
      json(res, click === undefined ? 'Click is not running' : (vm.files.get('/click_errors.txt') ?? ''));
      return true;
    default:
      return false;
  }
}

/** Integer percentages as deltas since the previous call: the endpoint keeps state. */
function metrics(vm: EmulatedVm): { list: Array<{ id: number; name: string; value: number }>; time_ms: number } {
  const now = vm.now();
  const traffic = vm.click?.traffic() ?? { rxBytes: 0, txBytes: 0 };
  const cpuMs = vm.click?.running === true ? (now - vm.click.startedAt) * CLICK_CPU_SHARE : 0;
  const prev = vm.lastMetrics ?? { timeMs: vm.bootedAt, cpuMs: 0, rxBytes: 0, txBytes: 0 };
  const dt = Math.max(1, now - prev.timeMs);
  vm.lastMetrics = { timeMs: now, cpuMs, rxBytes: traffic.rxBytes, txBytes: traffic.txBytes };
  const pct = (bytes: number): number => Math.min(100, Math.round((Math.max(0, bytes) / dt / GBIT_BYTES_PER_MS) * 100));
  return {
    list: [
      { id: 0, name: 'CPU Usage', value: Math.min(100, Math.round((Math.max(0, cpuMs - prev.cpuMs) / dt) * 100)) },
      { id: 1, name: 'Disk Usage', value: 12 },
      { id: 2, name: 'Memory Usage', value: Math.round((vm.usedMemoryBytes / vm.memoryBytes) * 100) },
      { id: 3, name: 'Net TX', value: pct(traffic.txBytes - prev.txBytes) },
      { id: 4, name: 'Net RX', value: pct(traffic.rxBytes - prev.rxBytes) },
    ],
    time_ms: now,
  };
}
