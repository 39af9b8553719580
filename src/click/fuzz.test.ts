import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClick, ClickSyntaxError } from '.';

const samples = ['forwarder', 'firewall', 'nat', 'load-balancer', 'rate-limiter'].map((n) =>
  readFileSync(join(__dirname, `../../vnfd/${n}/Files/click/${n}.click`), 'utf8'),
);

/** The parser and checker never throw (errors are diagnostics) and never hang, whatever the input. */
function survives(text: string): boolean {
  const t0 = Date.now();
  try {
    const r = checkClick(text, { file: 'fuzz.click' });
    expect(Array.isArray(r.diagnostics)).toBe(true);
    for (const d of r.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
  } catch (err) {
    // only our own error type may escape (none should, but it would be a defined failure)
    expect(err).toBeInstanceOf(ClickSyntaxError);
  }
  expect(Date.now() - t0).toBeLessThan(2000);
  return true;
}

const tokens = [
  'a',
  'b',
  'c',
  '::',
  '->',
  '[0]',
  '[1]',
  '(',
  ')',
  ';',
  ',',
  '{',
  '}',
  '|',
  '||',
  '...',
  '$x',
  'Counter',
  'Queue',
  'Discard',
  'FromDevice(eth0)',
  'elementclass',
  'input',
  'output',
  'require(',
  'define(',
  '"',
  "'",
  '/*',
  '*/',
  '//',
  '\n',
  ' ',
  'Tee',
  'X',
];

describe('fuzzing the Click parser and checker', () => {
  it('random text never makes it throw or hang', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), survives), { numRuns: 500 });
  });

  it('random token soups never make it throw or hang', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...tokens), { maxLength: 120 }).map((t) => t.join(' ')),
        survives,
      ),
      { numRuns: 500 },
    );
  });

  it('mutated sample configurations never make it throw or hang', () => {
    const mutation = fc.record({
      sample: fc.integer({ min: 0, max: samples.length - 1 }),
      at: fc.nat(),
      cut: fc.integer({ min: 0, max: 20 }),
      insert: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 10 })),
    });
    fc.assert(
      fc.property(mutation, ({ sample, at, cut, insert }) => {
        const text = samples[sample] as string;
        const i = at % (text.length + 1);
        return survives(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 700 },
    );
  });
});
