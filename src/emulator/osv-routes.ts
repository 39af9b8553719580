import type { ServerResponse } from 'node:http';
import type { EmulatedVm } from './emulated-vm';
import { empty, error, fileContent, json } from './http-util';
import { osvThreads } from './osv-threads';
import { osvIfconfig } from './osv-ifconfig';
import { launchSecondClick } from './click-clash';

/**
 * The stock OSv httpserver-api endpoints a manager uses (both dialects serve them): /os/*,
 * /network/ifconfig/, /fs/df/, /file/{path}, and `PUT /app/` to launch a program.
 */
export async function handleOsv(
  vm: EmulatedVm,
  method: string,
  url: URL,
  body: Buffer,
  contentType: string,
  res: ServerResponse,
): Promise<boolean> {
  const p = url.pathname;
  if (method === 'GET' && p === '/os/uptime')
    return (void json(res, Math.floor((vm.now() - vm.bootedAt) / 1000)), true);
  if (method === 'GET' && p === '/os/version') return (void json(res, 'v0.57.0-clickvnfm-emulator'), true);
  if (method === 'GET' && p === '/os/memory/total') return (void json(res, vm.memoryBytes), true);
  if (method === 'GET' && p === '/os/memory/free') return (void json(res, vm.memoryBytes - vm.usedMemoryBytes), true);
  if (method === 'GET' && p === '/os/threads') return (void json(res, osvThreads(vm)), true);
  if (method === 'GET' && (p === '/network/ifconfig/' || p === '/network/ifconfig'))
    return (void json(res, osvIfconfig(vm)), true);
  if (method === 'GET' && (p === '/fs/df/' || p === '/fs/df')) {
    json(res, [
      {
        filesystem: '/dev/vblk0.1',
        mount: '/',
        btotal: 262144,
        bfree: 230686,
        ftotal: 65536,
        ffree: 65000,
        blocksize: 4096,
      },
    ]);
    return true;
  }
  if (p.startsWith('/file/')) {
    // OSv's path parameter is the URL-encoded absolute path: /file/%2Ffunc.click
    const path = decodeURIComponent(p.slice('/file/'.length));
    return file(vm, method, path.startsWith('/') ? path : `/${path}`, url, body, contentType, res);
  }
  if (method === 'PUT' && (p === '/app/' || p === '/app')) {
    const command = url.searchParams.get('command') ?? '';
    const args = command.trim().split(/\s+/);
    // OSv loads the program as a shared object: anything but the image's Click launcher is not there
    if (!/^\/(click|usr\/bin\/click)$/.test(args[0] ?? ''))
      return (void error(res, 500, `Failed to load object: ${args[0] ?? ''}`), true);
    const pi = args.indexOf('-p');
    const port = pi >= 0 ? Number(args[pi + 1]) : (vm.options.controlPort ?? 8001);
    const config = [...args].reverse().find((a) => a.endsWith('.click')) ?? '/func.click';
    const reconfigurable = args.includes('-R') || args.includes('--allow-reconfigure');
    // OSv starts it whatever runs already; a second Click then fails on the ControlSocket port the first one holds
    const pid =
      vm.click?.running === true
        ? launchSecondClick(vm)
        : (await vm.launchClick(port, config, reconfigurable, url.searchParams.get('new_program') === 'true')).pid;
    // OSv answers the started application's main thread id(s) as a JSON string
    json(res, String(pid));
    return true;
  }
  if (method === 'GET' && (p === '/app/finished' || p === '/app/finished/')) {
    // "1": finished (an unknown tid counts as finished, as in OSv), "0": still runs
    const tid = url.searchParams.get('tid');
    json(res, vm.click?.running === true && String(vm.click.pid) === tid ? '0' : '1');
    return true;
  }
  if (method === 'POST' && (p === '/os/shutdown' || p === '/os/poweroff')) {
    // OSv powers off before it answers: the connection drops (and every later one, until the VM is off)
    vm.shutDown();
    res.socket?.destroy();
    return true;
  }
  if (method === 'POST' && p === '/os/reboot') {
    empty(res);
    setImmediate(() => void vm.reboot());
    return true;
  }
  return false;
}

function file(
  vm: EmulatedVm,
  method: string,
  path: string,
  url: URL,
  body: Buffer,
  contentType: string,
  res: ServerResponse,
): boolean {
  const op = url.searchParams.get('op');
  if (method === 'GET') {
    // OSv's file API wants its op (GET, GETFILESTATUS, LISTSTATUS); only GET is emulated
    if (op === null || op === '') return (void error(res, 400, "Missing mandatory parameter 'op'"), true);
    const content = vm.files.get(path);
    if (content === undefined) return (void error(res, 404, 'Page not found'), true);
    fileContent(res, path, content);
    return true;
  }
  if (method === 'PUT' && op === 'WRITE') {
    if (vm.files.has(path) && url.searchParams.get('overwrite') !== 'true') {
      return (void error(res, 400, `${path} exists`), true);
    }
    vm.files.set(path, url.searchParams.get('content') ?? '');
    empty(res);
    return true;
  }
  // an upload into /proc (read-only, procfs) is never answered by OSv: the request waits until the client gives up
  if (method === 'POST' && path.startsWith('/proc/')) return true;
  if (method === 'POST') {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
    const boundary = m?.[1] ?? m?.[2];
    if (boundary === undefined) return (void error(res, 400, 'multipart body expected'), true);
    const part = body
      .toString('utf8')
      .split(`--${boundary}`)
      .find((s) => /name="file"/.test(s));
    if (part === undefined) return (void error(res, 400, "missing multipart field 'file'"), true);
    const start = part.indexOf('\r\n\r\n');
    vm.files.set(path, part.slice(start + 4).replace(/\r\n$/, ''));
    empty(res);
    return true;
  }
  return false;
}
