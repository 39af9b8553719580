import { spawn, type ChildProcess } from 'node:child_process';

/** An emulated cloud running as its own process (`clickvnfm emulate-cloud`). */
export interface CloudProcess {
  url: string;
  pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface CloudProcessOptions {
  /** The built CLI, e.g. `<repo>/dist/src/cli/index.js`. */
  cliPath: string;
  /** `host:port` (default `127.0.0.1:0`: any free port). */
  listen?: string;
  vmReadyDelayMs?: number;
  addressing?: 'ports' | 'loopback';
  /** How long to wait for the cloud to print its URL (10 s by default). */
  startTimeoutMs?: number;
}

/**
 * Starts `clickvnfm emulate-cloud` as a child process and resolves once it prints its URL. The
 * composition root uses it to keep the VMs out of the worker process; tests use it to kill a worker
 * without killing the cloud.
 *
 * @example
 * const cloud = await startCloudProcess({ cliPath: join(root, 'dist/src/cli/index.js') });
 * const vim = new EmulatedVim(cloud.url);
 * await cloud.stop();
 */
export function startCloudProcess(options: CloudProcessOptions): Promise<CloudProcess> {
  const args = [options.cliPath, 'emulate-cloud', '--listen', options.listen ?? '127.0.0.1:0'];
  if (options.vmReadyDelayMs !== undefined) args.push('--vm-ready-delay-ms', String(options.vmReadyDelayMs));
  if (options.addressing !== undefined) args.push('--addressing', options.addressing);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emulate-cloud printed no URL within ${options.startTimeoutMs ?? 10_000} ms: ${err.trim()}`));
    }, options.startTimeoutMs ?? 10_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulate-cloud exited with ${String(code)} before it was ready: ${err.trim()}`));
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /emulated cloud on (http:\/\/\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        url: m[1] as string,
        pid: child.pid ?? 0,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}
