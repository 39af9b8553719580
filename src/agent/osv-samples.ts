/**
 * What the osv-controlsocket agent reads of OSv's threads and makes of two samples: which threads are idle and
 * which are Click's, and the baseline a later metrics() call measures CPU % and port rates against.
 */
import type { MetricsBaseline } from '../ports/vnf-agent';
import { countingHandlers } from '../click';
import type { ElementReadings } from './element-counters';

/** OSv's idle threads: `idle` in older releases, one per CPU (`idle0`, `idle1`, ...) in current ones. */
export const IDLE = /^idle\d*$/;
/** Click's own threads: the program the launcher runs (`/usr/bin/click`), `click` in the emulator. */
export const CLICK = /^(\/usr\/bin\/click|click)$/;
/** A baseline older than this (VM time) says little of the present: two samples are taken instead. */
const BASELINE_MAX_AGE_MS = 5 * 60_000;

export interface Sample extends ElementReadings {
  timeMs: number;
  cpuMs: number;
  /** Click runs and no `/click` program (the agent's `PUT /app/`) does: the image's boot-time Click. */
  bootClick: boolean;
}

/** The program the agent starts with `PUT /app/` (its thread keeps the program's name while Click runs). */
export const AGENT_LAUNCHED = '/click';

/** What the next call needs of a sample: the VM's clock, Click's CPU time, each device's bytes. */
export function baselineOf(s: Sample): MetricsBaseline {
  const bytes: Record<string, number> = {};
  for (const [name, values] of s.values) {
    const handler = countingHandlers(s.classes.get(name) ?? '').port?.bytes;
    const v = handler === undefined ? undefined : values.get(handler);
    if (v !== undefined) bytes[name] = v;
  }
  return { vmTimeMs: s.timeMs, cpuMs: s.cpuMs, bytes };
}

/** A baseline of this VM's current run: its clock behind (not too far), Click's CPU time not gone back. */
export function usable(b: MetricsBaseline | undefined, now: Sample): b is MetricsBaseline {
  if (b === undefined) return false;
  const age = now.timeMs - b.vmTimeMs;
  return age > 0 && age <= BASELINE_MAX_AGE_MS && now.cpuMs >= b.cpuMs;
}
