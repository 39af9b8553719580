import secureJson from 'secure-json-parse';
import { PROTOTYPE_NAMES } from '../domain/query';
import { BadRequestError } from '../errors';

/** Limits every JSON request body is held to before anything reads it. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays (the body itself is depth 1). */
  maxDepth: number;
  /** Most object keys in the whole body. */
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxKeys: 10_000 };

/**
 * Parses a JSON request body safely: prototype keys, nesting deeper than `maxDepth` and more than
 * `maxKeys` keys are a 400 naming the offending field, checked before anything is stored.
 *
 * NOTE: the depth is measured on the text before JSON.parse runs, so a body nested a million levels
 * costs one linear scan and no recursion anywhere.
 *
 * @example
 * parseJsonBody('{"metadata":{"a":1}}') // { metadata: { a: 1 } }
 * parseJsonBody('{"a":{"__proto__":{}}}') // throws BadRequestError (field a.__proto__)
 */
export function parseJsonBody(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  if (text.trim() === '')
    throw new BadRequestError('the request body is empty; send a JSON document', { field: 'body' });
  const depth = textDepth(text, limits.maxDepth);
  if (depth !== undefined) {
    throw new BadRequestError(`the request body nests deeper than ${limits.maxDepth} levels (at offset ${depth})`, {
      field: 'body',
    });
  }
  let value: unknown;
  try {
    value = secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' }) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // secure-json-parse found a prototype key: JSON.parse alone is harmless (it defines own properties),
    // so parse again to name the field where it stands
    if (/forbidden (prototype|constructor) property/.test(reason))
      checkKeys(JSON.parse(text) as unknown, limits.maxKeys);
    throw new BadRequestError(`the request body is not valid JSON: ${reason}`, { field: 'body' });
  }
  checkKeys(value, limits.maxKeys);
  return value;
}

/** The offset where nesting passes `max`, or undefined; strings are skipped, escapes honoured. */
function textDepth(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return undefined;
}

/** Walks the parsed body without recursion: forbidden key names and the key count. */
function checkKeys(root: unknown, maxKeys: number): void {
  let keys = 0;
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]` }));
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      const field = path === '' ? k : `${path}.${k}`;
      // NOTE: secure-json-parse refuses `__proto__` and `constructor.prototype`; the bare names are refused
      // too, since a merge-patch or a selector path could combine them in two steps
      if (PROTOTYPE_NAMES.has(k))
        throw new BadRequestError(`the request body has the key '${k}', which is not allowed anywhere`, { field });
      keys += 1;
      if (keys > maxKeys)
        throw new BadRequestError(`the request body has more than ${maxKeys} keys`, { field: 'body' });
      stack.push({ value: v, path: field });
    }
  }
}
