'use strict';
// Reads the jest JSON reports of scripts/test.sh and prints the closing `N passed, N failed` line
// (CI reads that line, not jest's summary). Suites that failed to run count as failures.
const { readdirSync, readFileSync, appendFileSync } = require('node:fs');
const path = require('node:path');
const [dir, cp, cf] = process.argv.slice(2);
let passed = Number(cp),
  failed = Number(cf),
  skipped = 0;
const details = [];
const retried = [];
// eslint-disable-next-line no-control-regex
const plain = (t) => String(t ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const excerpt = (t) =>
  plain(t)
    .split('\n')
    .filter((l) => l.trim() && !/node_modules|node:internal/.test(l))
    .slice(0, 14)
    .map((l) => `    ${l.slice(0, 200)}`)
    .join('\n');
for (const f of readdirSync(dir).filter((n) => /^jest-.*\.json$/.test(n))) {
  let r;
  try {
    r = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  } catch {
    failed += 1;
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const s of r.testResults) {
    if (s.status === 'failed' && s.assertionResults.length === 0)
      appendFileSync(path.join(dir, 'failures.txt'), `suite ${s.name}\n`);
    if (s.status === 'failed' && s.assertionResults.length === 0)
      details.push(`suite ${s.name}\n${excerpt(s.message)}`);
    for (const a of s.assertionResults) {
      if (a.status === 'passed' && (a.invocations ?? 1) > 1)
        retried.push(
          `test ${a.fullName} (passed on attempt ${a.invocations})\n${excerpt((a.retryReasons ?? []).join('\n'))}`,
        );
      if (a.status === 'failed') {
        appendFileSync(path.join(dir, 'failures.txt'), `test ${a.fullName}\n`);
        details.push(`test ${a.fullName} (${a.duration ?? '?'} ms)\n${excerpt(a.failureMessages.join('\n'))}`);
      }
    }
  }
}
// a test allowed to retry (the deployment suite's long runs on the mini-cloud) that needed it is named, with why
if (retried.length) console.log(`\nPassed only when retried (first failure of each):\n${retried.join('\n')}`);
// CI may show only the end of the output: each failure's reason comes just before the closing line.
if (details.length) console.log(`\nWhy they failed (first lines of each):\n${details.join('\n')}`);
const failures = readFileSync(path.join(dir, 'failures.txt'), 'utf8').trim();
if (failures) console.log(`\nFailures:\n${failures}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
