/**
 * Parse + check a generated configuration of 5,000 elements. Target: under 100 ms.
 * Run: `npm run build && node dist/bench/click-parse.js`
 */
import { resolve } from 'node:path';
import { checkClick } from '../src/click';
import { percentile, writeSection } from './support';

/** 1,250 pipelines of 4 elements: FromDPDKDevice -> Counter -> Queue -> ToDPDKDevice, plus some compounds. */
function generate(elements: number): string {
  const lines = [
    'require(dpdk);',
    'elementclass Stage { $n | input -> Counter -> Strip($n) -> Unstrip($n) -> output }',
  ];
  let count = 0;
  let i = 0;
  while (count + 4 <= elements) {
    const from = `src${i} :: FromDPDKDevice(${i % 64})`;
    lines.push(`${from} -> c${i} :: Counter -> q${i} :: Queue(1024) -> ToDPDKDevice(${(i + 1) % 64});`);
    count += 4;
    i += 1;
  }
  return lines.join('\n') + '\n';
}

function main(): void {
  const text = generate(5000);
  const rounds = 30;
  const times: number[] = [];
  let elements = 0;
  for (let r = 0; r < rounds + 5; r++) {
    const t0 = process.hrtime.bigint();
    const res = checkClick(text, { file: 'bench.click' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!res.ok) throw new Error(`the generated configuration does not pass: ${res.diagnostics[0]?.message ?? ''}`);
    elements = res.graph?.elements.size ?? 0;
    if (r >= 5) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50).toFixed(1);
  const p95 = percentile(times, 95).toFixed(1);
  const max = (times[times.length - 1] ?? 0).toFixed(1);
  const under = percentile(times, 50) < 100 ? 'yes' : 'NO';
  const md = [
    '## Click toolkit: parse + check a 5,000-element configuration (issue 3)',
    '',
    'Command: `npm run build && node dist/bench/click-parse.js`' +
      ' (parse, flatten, every check; 5 warm-up runs, then 30 timed).',
    'Target: under 100 ms' +
      ' (judged on the median; p95 and max include garbage-collector pauses left by the previous run).',
    '',
    '| elements | connections | median ms | p95 ms | max ms | under 100 ms |',
    '|---|---|---|---|---|---|',
    `| ${elements} | ${(elements * 3) / 4} | ${median} | ${p95} | ${max} | ${under} (median) |`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)}, ${text.length} bytes of configuration.`,
  ].join('\n');
  process.stdout.write(md + '\n');
  writeSection(resolve(__dirname, '../..'), 'click-parse', md);
}

main();
