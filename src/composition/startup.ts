/** What runs once at start after the store is up: the sample packages, and the sealing of old clear credentials. */
import { dirname, join } from 'node:path';
import type Redis from 'ioredis';
import { onboardSamples } from '../lcm/packages/onboard-samples';
import type { Logger } from '../ports/logger';
import { resealAll } from '../store';
import { defaultToscaDir, type TypeLibrary } from '../tosca';
import type { Graph } from './graph';

/** The sample packages of vnfd/, onboarded and enabled once per Redis (one process at a time, under a lock). */
export async function onboardSamplePackages(
  redis: Redis,
  prefix: string,
  graph: Graph,
  library: TypeLibrary,
  log: Logger,
): Promise<void> {
  const vnfdDir = join(dirname(defaultToscaDir()), 'vnfd');
  const lock = async (): Promise<boolean> => (await redis.set(`${prefix}:samples-lock`, '1', 'EX', 60, 'NX')) === 'OK';
  for (const r of await onboardSamples(graph.packages, library, vnfdDir, lock)) {
    if (r.result === 'failed') log.warn(`sample package ${r.name} was not onboarded: ${r.detail ?? ''}`);
    else if (r.result === 'onboarded')
      log.info(`sample package ${r.name} onboarded and enabled (vnfPkgId ${r.vnfPkgId ?? ''})`);
  }
}

/**
 * Seals credentials that an earlier version stored in clear (once per Redis: a flag key records it;
 * one process at a time under a lock). The embedded Redis then rewrites its AOF so that the old clear
 * values leave the disk too; an external Redis is the operator's to rewrite.
 */
export async function sealStoredCredentials(
  redis: Redis,
  prefix: string,
  graph: Graph,
  embedded: boolean,
  log: Logger,
): Promise<void> {
  const flag = `${prefix}:credentials-sealed:v1`;
  if ((await redis.exists(flag)) === 1) return;
  if ((await redis.set(`${flag}:lock`, String(process.pid), 'EX', 600, 'NX')) !== 'OK') return;
  const counts = [
    await resealAll(graph.instances),
    await resealAll(graph.opOccs),
    await resealAll(graph.subscriptions),
  ];
  await redis.set(flag, new Date().toISOString());
  await redis.del(`${flag}:lock`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > 0) {
    log.info(`credentials at rest: ${total} stored documents rewritten with their credentials sealed`);
    if (embedded) await redis.bgrewriteaof();
  }
}
