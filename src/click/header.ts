import type { SourceDiagnostic } from '../errors';

/**
 * The Click-on-OSv VNF header: `//VNF_...` comment lines at the top of func.click, read by the
 * in-VM plugin's `vnf_identification`.
 */
export interface VnfHeader {
  version: string;
  id: string;
  provider: string;
  name: string;
  releaseDate: string;
  releaseVersion: string;
  releaseLifespan: string;
  description: string;
  /** 2020 successor: `Click` */
  framework?: string;
  /** 2020 successor: `VirtIO` or `DPDK` */
  network?: 'VirtIO' | 'DPDK';
}

const FIELDS: Array<[key: string, prop: keyof VnfHeader, optional: boolean]> = [
  ['VNF_VERSION', 'version', false],
  ['VNF_ID', 'id', false],
  ['VNF_PROVIDER', 'provider', false],
  ['VNF_NAME', 'name', false],
  ['VNF_RELEASE_DATE', 'releaseDate', false],
  ['VNF_RELEASE_VERSION', 'releaseVersion', false],
  ['VNF_RELEASE_LIFESPAN', 'releaseLifespan', false],
  ['VNF_DESCRIPTION', 'description', false],
  ['VNF_FRAMEWORK', 'framework', true],
  ['VNF_NETWORK', 'network', true],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/**
 * Reads the VNF header; `header` is undefined when the text has none or it is invalid, and every
 * problem is a diagnostic at its line and column.
 *
 * @example
 * parseVnfHeader(text, 'forwarder.click').header?.id
 */
export function parseVnfHeader(
  text: string,
  file = 'config.click',
): { header?: VnfHeader; diagnostics: SourceDiagnostic[] } {
  const lines = text.split('\n');
  const diagnostics: SourceDiagnostic[] = [];
  const err = (line: number, column: number, message: string): void => {
    diagnostics.push({ file, line, column, severity: 'error', message });
  };
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === '') i++;
  if (i >= lines.length || (lines[i] as string).trim() !== '//VNF_HEADER') {
    err(i + 1, 1, "the configuration does not start with the VNF header ('//VNF_HEADER' on the first line)");
    return { diagnostics };
  }
  const out: Partial<Record<keyof VnfHeader, string>> = {};
  let f = 0;
  for (i = i + 1; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    const m = /^\/\/(VNF_[A-Z_]+):\s?(.*)$/.exec(raw);
    if (m === null) break;
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    const colon = raw.indexOf(':');
    const col = colon + 2 + (raw[colon + 1] === ' ' ? 1 : 0);
    const idx = FIELDS.findIndex(([k]) => k === key);
    if (idx < 0) {
      err(i + 1, 3, `unknown VNF header field ${key}`);
      continue;
    }
    if (idx < f) {
      err(i + 1, 3, `${key} is out of order: it must come before ${FIELDS[f - 1]?.[0] ?? ''}`);
      continue;
    }
    for (let k = f; k < idx; k++) {
      const [missing, , optional] = FIELDS[k] as [string, keyof VnfHeader, boolean];
      if (!optional) err(i + 1, 1, `VNF header field ${missing} is missing before ${key}`);
    }
    f = idx + 1;
    const prop = (FIELDS[idx] as [string, keyof VnfHeader, boolean])[1];
    out[prop] = value;
    if (value === '') err(i + 1, col, `${key} is empty`);
    else if (key === 'VNF_ID' && !UUID.test(value)) err(i + 1, col, `VNF_ID must be a UUID, got '${value}'`);
    else if ((key === 'VNF_RELEASE_DATE' || key === 'VNF_RELEASE_LIFESPAN') && !validDate(value))
      err(i + 1, col, `${key} must be a date 'YYYY-MM-DD HH:MM', got '${value}'`);
    else if (key === 'VNF_NETWORK' && value !== 'VirtIO' && value !== 'DPDK')
      err(i + 1, col, `VNF_NETWORK must be VirtIO or DPDK, got '${value}'`);
    else if (
      key === 'VNF_RELEASE_LIFESPAN' &&
      out.releaseDate !== undefined &&
      validDate(out.releaseDate) &&
      value <= out.releaseDate
    ) {
      err(i + 1, col, `VNF_RELEASE_LIFESPAN (${value}) must be after VNF_RELEASE_DATE (${out.releaseDate})`);
    }
  }
  for (let k = f; k < FIELDS.length; k++) {
    const [missing, , optional] = FIELDS[k] as [string, keyof VnfHeader, boolean];
    if (!optional) err(i + 1, 1, `VNF header field ${missing} is missing`);
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { header: out as unknown as VnfHeader, diagnostics };
}

function validDate(v: string): boolean {
  const m = DATE.exec(v);
  if (m === null) return false;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const dt = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d && h < 24 && mi < 60;
}

/**
 * Writes a VNF header from package metadata, in the field order the platform expects.
 *
 * @example
 * generateVnfHeader({ version: '1.0', id: vnfdId, provider, name, releaseDate: '2026-11-23 00:00', ... })
 */
export function generateVnfHeader(h: VnfHeader): string {
  const lines = ['//VNF_HEADER'];
  for (const [key, prop] of FIELDS) {
    const v = h[prop];
    if (v !== undefined) lines.push(`//${key}: ${v.replace(/[\r\n]+/g, ' ')}`);
  }
  return lines.join('\n') + '\n';
}
