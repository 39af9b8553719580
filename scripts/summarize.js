'use strict';
// Reads the jest JSON reports of scripts/test.sh and prints the closing `N passed, N failed` line
// (CI reads that line, not jest's summary). Suites that failed to run count as failures.
const { readdirSync, readFileSync, appendFileSync } = require('node:fs');
const path = require('node:path');
const [dir, cp, cf] = process.argv.slice(2);
let passed = Number(cp),
  failed = Number(cf),
  skipped = 0;
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
    for (const a of s.assertionResults)
      if (a.status === 'failed') appendFileSync(path.join(dir, 'failures.txt'), `test ${a.fullName}\n`);
  }
}
const failures = readFileSync(path.join(dir, 'failures.txt'), 'utf8').trim();
if (failures) console.log(`\nFailures:\n${failures}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
