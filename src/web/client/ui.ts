/** The console's small DOM toolkit: elements, the flash message, guarded buttons, tables, waiting for an operation. */
import { api, ApiError } from './api';

export type Obj = Record<string, unknown>;
/** Renders the current hash's view again (main.ts's router). */
export type Route = () => Promise<void>;

export const app = document.getElementById('app') as HTMLElement;
const flash = document.getElementById('flash') as HTMLElement;

export function h(tag: string, attrs: Record<string, string> = {}, ...kids: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}
export function say(text: string, kind: 'ok' | 'error' = 'ok'): void {
  flash.textContent = text;
  flash.className = kind;
}
export async function guarded(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (err) {
    say(err instanceof ApiError ? err.message : String(err), 'error');
  }
}
export function button(label: string, id: string, onClick: () => Promise<void>): HTMLElement {
  const b = h('button', { id, type: 'button' }, label);
  b.addEventListener('click', () => void guarded(onClick));
  return b;
}
export async function waitOp(path: string, label: string): Promise<Obj> {
  for (;;) {
    const op = (await api<Obj>('GET', path)).body;
    say(`${label}: ${String(op['operationState'])}`);
    if (['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK'].includes(String(op['operationState']))) {
      if (op['operationState'] !== 'COMPLETED')
        say(
          `${label}: ${String(op['operationState'])}: ${String((op['error'] as Obj | undefined)?.['detail'] ?? '')}`,
          'error',
        );
      return op;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}
export function table(rows: Obj[], cols: Array<[string, (r: Obj) => Node | string]>, id: string): HTMLElement {
  const head = h('tr', {}, ...cols.map(([c]) => h('th', {}, c)));
  const body = rows.map((r) => h('tr', { 'data-id': String(r['id']) }, ...cols.map(([, f]) => h('td', {}, f(r)))));
  return h('table', { id }, head, ...body);
}
/** Runs `f` now and then every `ms` (one run at a time, errors left to `f`) until `onLeave`'s stop is called. */
export function every(ms: number, f: () => Promise<void>, onLeave: (stop: () => void) => void): void {
  let alive = true;
  onLeave(() => (alive = false));
  const loop = async (): Promise<void> => {
    while (alive) {
      await f().catch(() => undefined);
      await new Promise((r) => setTimeout(r, ms));
    }
  };
  void loop();
}
