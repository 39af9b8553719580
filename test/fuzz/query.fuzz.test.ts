/**
 * Property tests for the SOL013 query machinery with no server: whatever the input, parseFilter /
 * matchesFilter and parseSelector / applySelector throw nothing but FilterSyntaxError / SelectorError
 * and never touch a prototype (in this realm or the host's: structuredClone makes host objects).
 */
import fc from 'fast-check';
import {
  applySelector,
  FilterSyntaxError,
  matchesFilter,
  parseFilter,
  parseSelector,
  SelectorError,
  type Selector,
} from '../../src/domain/query';
import { diffPrototypes, restorePrototypes, snapshotPrototypes } from './harness';
import { filterArb, JObj, protoPathArb, protoValueArb, selectorValueArb, toJson, type JVal } from './generators';

const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : undefined;
const params = { numRuns: 400, ...(SEED !== undefined ? { seed: SEED } : {}) };

/** Documents with own `__proto__` / `constructor` keys (parsed from JSON text, as the store does). */
const docArb: fc.Arbitrary<unknown> = fc
  .tuple(fc.array(protoValueArb, { maxLength: 2 }), fc.jsonValue({ maxDepth: 3 }))
  .map(([attacks, plain]) => {
    const entries: Array<[string, JVal]> = [
      ['id', 'x'],
      ['metadata', new JObj(attacks.flatMap((a) => a.entries))],
      ['plain', new JObj([])],
    ];
    for (const a of attacks) entries.push(...a.entries);
    return { ...(JSON.parse(toJson(new JObj(entries))) as object), extra: plain };
  });

const filterTextArb = fc.oneof(
  filterArb,
  protoPathArb.map((p) => `(eq,${p.join('/')},1)`),
  fc.string(),
);
const selectorArb = fc.record(
  {
    all_fields: fc.option(fc.constant(''), { nil: undefined }),
    fields: fc.option(
      fc.oneof(
        selectorValueArb,
        protoPathArb.map((p) => p.join('/')),
      ),
      { nil: undefined },
    ),
    exclude_fields: fc.option(
      fc.oneof(
        selectorValueArb,
        protoPathArb.map((p) => p.join('/')),
      ),
      { nil: undefined },
    ),
    exclude_default: fc.option(fc.constant(''), { nil: undefined }),
  },
  { requiredKeys: [] },
);

function guarded(run: () => void, allowed: Array<new (...a: never[]) => Error>): void {
  const snap = snapshotPrototypes();
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  const diff = diffPrototypes(snap);
  restorePrototypes(snap);
  if (diff.length > 0) throw new Error(`a prototype was changed: ${diff.join('; ')}`);
  if (thrown !== undefined && !allowed.some((E) => thrown instanceof E)) throw thrown;
}

it('parseFilter / matchesFilter: only FilterSyntaxError, no prototype touched', () => {
  fc.assert(
    fc.property(filterTextArb, docArb, (text, doc) => {
      guarded(() => {
        const f = parseFilter(text);
        matchesFilter(doc, f);
      }, [FilterSyntaxError]);
    }),
    params,
  );
});

it('parseSelector / applySelector: only SelectorError, no prototype touched', () => {
  fc.assert(
    fc.property(
      selectorArb,
      docArb,
      fc.array(fc.constantFrom('metadata', 'extra', '__proto__', 'constructor'), { maxLength: 2 }),
      (q, doc, excludes) => {
        guarded(() => {
          const s: Selector = parseSelector(q);
          applySelector(doc as object, s, excludes);
        }, [SelectorError]);
      },
    ),
    params,
  );
});
