/**
 * Shared helpers of the API subcommands: key=value options, JSON request files, and lifecycle tasks that
 * wait for their op-occ.
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../api-client';
import { print, waitOp, type Ctx } from '../output';

export type Obj = Record<string, unknown>;
export const enc = encodeURIComponent;

/** -p k=v pairs into an object (values parsed as JSON when they are). */
export function kv(value: string, prev: Obj = {}): Obj {
  const i = value.indexOf('=');
  if (i < 1) throw new CliError(`expected key=value, got '${value}'`);
  const raw = value.slice(i + 1);
  let v: unknown = raw;
  try {
    v = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { ...prev, [value.slice(0, i)]: v };
}
export const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];
export function readJson(file: string): Obj {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Obj;
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`);
  }
}

/** A lifecycle task: 202 + Location; then waits (progress line) unless --no-wait. */
export async function task(
  ctx: Ctx,
  path: string,
  body: Obj,
  wait: boolean,
  method = 'POST',
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await ctx.client().call(method, path, {
    body,
    ok: [202],
    headers,
    ...(method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
  });
  const location = res.headers['location'] ?? '';
  const opId = location.split('/').pop() ?? '';
  if (!wait) {
    print(ctx, { vnfLcmOpOccId: opId, location }, () => `started: op-occ ${opId}\n`);
    return;
  }
  const op = await waitOp(ctx, location);
  print(ctx, op, () => `${String(op['operation'])} COMPLETED (op-occ ${opId})\n`);
}
