import type { ChaosReport } from './run';

const yes = (n: number): string => (n === 0 ? '0' : `**${n}**`);

/** The run's figures and audit as a docs/benchmarks.md section body (the problems listed, at most 30). */
export function reportMarkdown(r: ChaosReport, command: string): string {
  const o = r.options;
  const l = r.lanes;
  const f = r.vim.faults;
  const faults = Object.values(f).reduce((a, b) => a + b, 0);
  const outcomes = Object.entries(l.outcomes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const lines = [
    `Command: \`${command}\` (${r.seconds} s in all: start, lanes, settling, audit).`,
    '',
    `Injected: ${r.kills.apiKills} API and ${r.kills.workerKills} worker processes SIGKILLed (each started again` +
      ` 0.1 to 1 s later), redis-server SIGKILLed ${r.kills.redisKills} times (AOF on; started again on its port` +
      ` 0.5 to 2 s later); ${faults} of ${r.vim.requests} requests to the cloud faulted (${f.delay} delayed,` +
      ` ${f['error-before']} 503 not forwarded, ${f['error-after']} 502 after the cloud acted,` +
      ` ${f['drop-before']} dropped before, ${f['drop-after']} dropped after the cloud acted).`,
    '',
    '| lanes | cycles | operations | outcomes | retries | rollbacks | fails | answers lost | op-occs found by' +
      ' listing |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${o.lanes} | ${l.cycles} | ${l.started} | ${outcomes} | ${l.retries} | ${l.rollbacks} | ${l.fails}` +
      ` | ${l.unknownAnswers} | ${l.adopted} |`,
    '',
    '| audit | found |',
    '|---|---|',
    `| op-occs still running after settling, FAILED_TEMP without a cause, or instance locks held by no running` +
      ` op-occ (of ${r.state.opOccs} op-occs) | ${yes(r.state.stuck.length)} |`,
    `| leaked servers (of ${r.state.servers} left in the cloud) | ${yes(r.state.leaked.length)} |`,
    `| duplicate or missing servers | ${yes(r.state.duplicates.length)} |`,
    `| notification violations (lost, duplicated under two ids, out of order; of ${r.notifications.received}` +
      ` received) | ${yes(r.notifications.violations.length)} |`,
    `| what the lanes saw (an op-occ in one state for ${o.stuckMs ?? 60_000} ms, FAILED_TEMP without a cause,` +
      ` busy with no op-occ, an unexpected answer) | ${yes(l.violations.length)} |`,
    `| VNFM processes that exited by themselves | ${yes(r.crashes.length)} |`,
    '',
    `Op-occs at the end: ${Object.entries(r.state.byState)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${r.state.instances} instances left (given up or abandoned).` +
      ' Same-id redeliveries (at-least-once across kills; the consumer dedupes by id):' +
      ` ${r.notifications.redelivered}.` +
      ` Instances created twice by a lane's repeated POST after a lost answer: ${l.repeatedCreates}.`,
    '',
    r.problems.length === 0
      ? '**Audit clean.**'
      : `**Audit NOT clean** (${r.problems.length} problems; logs in ${r.dir}):\n\n` +
        r.problems
          .slice(0, 30)
          .map((p) => `- ${p}`)
          .join('\n'),
    ...(r.crashes.length > 0 ? ['', 'Exits:', ...r.crashes.map((c) => `- ${c}`)] : []),
  ];
  return lines.join('\n');
}
