/**
 * Secrets never appear in responses, logs or errors. These helpers scrub them from values that
 * come from outside (OpenStack bodies, agent answers, configuration dumps) before they are kept.
 */
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key|private[-_]?key/i;
const REDACTED = '***';

/** A deep copy of `value` with every secret-looking key's value replaced by `***`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
    return out;
  }
  return value;
}

/**
 * Scrubs secrets from free text: `"password": "x"`, `X-Auth-Token: x`, `Bearer x`, `Basic x`, URL
 * userinfo, and `key=value` / `key: value` pairs whose key names a secret (`adminPass=x`,
 * `client_secret: x`, as services echo them in error messages), and URL query parameters that carry
 * a signature or key (`?sig=x`, `&X-Amz-Signature=x`, `?key=x`, `?code=x`).
 */
export function redactText(text: string): string {
  return (
    text
      .replace(
        /("(?:[^"]*(?:pass(?:word)?|secret|token|credential|api[-_]?key)[^"]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
        `$1"${REDACTED}"`,
      )
      .replace(
        /((?:x-auth-token|x-subject-token|authorization)\s*[:=]\s*)([^\s,;]+(?:\s+[^\s,;]+)?)/gi,
        `$1${REDACTED}`,
      )
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`)
      .replace(/(\w+:\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${REDACTED}@`)
      .replace(
        /(\b[\w-]*(?:pass(?:word)?|secret|token|api[-_]?key)[\w-]*\s*[=:]\s*'?)(?!\*\*\*)(?!")([^\s,;&'"]+)/gi,
        `$1${REDACTED}`,
      )
      // URL query parameters that carry a signature or a key (presigned URLs, webhook keys, ?sig=, ?key=, ?code=)
      .replace(/([?&][\w.-]*(?:sig|signature|key|code)[\w.-]*=)(?!\*\*\*)[^&#\s'"]+/gi, `$1${REDACTED}`)
  );
}
