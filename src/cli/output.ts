import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { CliError, VnfmClient, configPath, loadSettings } from './api-client';

export interface Ctx {
  json: boolean;
  config: string;
  client(): VnfmClient;
  out(text: string): void;
  err(text: string): void;
}

/** What every API command needs: the client (configured once by `clickvnfm login`), --json, output. */
export function ctxOf(cmd: Command): Ctx {
  // NOTE: --settings, not --config: `serve --config <file>` is the VNFM's own configuration
  const o = cmd.optsWithGlobals<{ json?: boolean; settings?: string }>();
  const config = configPath(o.settings);
  let client: VnfmClient | undefined;
  return {
    json: o.json === true,
    config,
    client: () => (client ??= new VnfmClient(loadSettings(config))),
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  };
}

/** A plain table: one row per item, the columns given. */
export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  const cell = (v: unknown): string =>
    v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return (
    [
      line(columns),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    ].join('\n') + '\n'
  );
}

/** key: value lines for one object (nested values as JSON). */
export function fields(obj: Record<string, unknown>): string {
  const w = Math.max(...Object.keys(obj).map((k) => k.length));
  return (
    Object.entries(obj)
      .map(([k, v]) => `${k.padEnd(w)}  ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('\n') + '\n'
  );
}

export function print(ctx: Ctx, data: unknown, human: () => string): void {
  ctx.out(ctx.json ? JSON.stringify(data, null, 2) + '\n' : human());
}

/** Runs an action; a CliError prints the ProblemDetails (or the message) on stderr and exits 1. */
export function action<A extends unknown[]>(f: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await f(...args);
    } catch (err) {
      if (err instanceof CliError) {
        const cmd = args[args.length - 1] as Command;
        const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
        process.stderr.write(
          json && err.problem ? JSON.stringify(err.problem, null, 2) + '\n' : `clickvnfm: ${err.message}\n`,
        );
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  };
}

/** Waits for an op-occ to end, with a live progress line (TTY) or a line per state change. */
export async function waitOp(ctx: Ctx, location: string): Promise<Record<string, unknown>> {
  const path = new URL(location, 'http://x').pathname;
  const tty = process.stderr.isTTY === true && !ctx.json;
  const t0 = Date.now();
  let last = '';
  for (;;) {
    const op = (await ctx.client().call<Record<string, unknown>>('GET', path)).data;
    const state = String(op['operationState']);
    const line = `${String(op['operation'])} ${String(op['id'])}: ${state} (${Math.round((Date.now() - t0) / 1000)} s)`;
    if (tty) process.stderr.write(`\r${line}   `);
    else if (state !== last) process.stderr.write(`${line}\n`);
    last = state;
    if (['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(state)) {
      if (tty) process.stderr.write('\n');
      if (state !== 'COMPLETED') {
        const e = (op['error'] ?? {}) as Record<string, unknown>;
        const id = String(op['id']);
        throw new CliError(
          `${String(op['operation'])} ended ${state}: ${String(e['detail'] ?? 'no error given')} ` +
            `(op-occ ${id}; clickvnfm op retry|rollback|fail ${id})`,
          e,
        );
      }
      return op;
    }
    await delay(250);
  }
}
