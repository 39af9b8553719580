import type { SourceDiagnostic } from '../errors';
import { fileDigest, type DigestAlgorithm, type PackageFiles } from './csar';

const ALGORITHMS: Record<string, DigestAlgorithm> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** TOSCA-Metadata/TOSCA.meta as key-value pairs (SOL004 4.3.2). */
export function parseToscaMeta(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line.trim());
    if (m !== null) out[m[1] as string] = (m[2] as string).trim();
  }
  return out;
}

/**
 * Verifies the manifest (SOL004 4.3.3): every `Source` with `Algorithm` and `Hash` matches the file,
 * and every file of the package (but the manifest, TOSCA.meta, signatures and certificates) is listed.
 */
export function verifyManifest(manifestPath: string, files: PackageFiles): SourceDiagnostic[] {
  const text = (files.get(manifestPath) as Buffer).toString('utf8');
  const lines = text.split(/\r?\n/);
  const out: SourceDiagnostic[] = [];
  const listed = new Set<string>();
  let current: { source: string; line: number; algorithm?: string } | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const m = /^(Source|Algorithm|Hash):\s*(.*)$/.exec(line);
    if (m === null) return;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'Source') {
      current = { source: value, line: i + 1 };
      listed.add(value);
      if (!files.has(value) && !/^https?:\/\//.test(value))
        out.push({
          file: manifestPath,
          line: i + 1,
          column: raw.indexOf(value) + 1,
          severity: 'error',
          message: `Source ${value} is not in the package`,
        });
    } else if (key === 'Algorithm' && current !== undefined) {
      current.algorithm = value;
      if (ALGORITHMS[value.toUpperCase()] === undefined)
        out.push({
          file: manifestPath,
          line: i + 1,
          column: raw.indexOf(value) + 1,
          severity: 'error',
          message: `Algorithm ${value} is not supported; use SHA-256, SHA-384 or SHA-512`,
        });
    } else if (key === 'Hash' && current !== undefined) {
      const algo = ALGORITHMS[(current.algorithm ?? '').toUpperCase()];
      // an image is not held in memory: its digest was taken while it streamed out of the CSAR
      const actual =
        algo === undefined || !files.has(current.source) ? undefined : fileDigest(files, current.source, algo);
      if (actual !== undefined) {
        if (actual !== value.toLowerCase()) {
          out.push({
            file: manifestPath,
            line: i + 1,
            column: raw.indexOf(value) + 1,
            severity: 'error',
            message:
              `the ${current.algorithm ?? ''} hash of ${current.source} does not match: ` +
              `the manifest says ${value}, the file has ${actual}`,
          });
        }
      }
      current = undefined;
    }
  });
  for (const path of files.keys()) {
    if (path === manifestPath || path === 'TOSCA-Metadata/TOSCA.meta' || /\.(cert|sig|cms)$/.test(path)) continue;
    if (!listed.has(path))
      out.push({
        file: manifestPath,
        line: lines.length,
        column: 1,
        severity: 'error',
        message: `${path} is in the package but not in the manifest`,
      });
  }
  return out;
}

/** A manifest listing every file with its SHA-256 (what `clickvnfm package build` writes). */
export function writeManifest(files: PackageFiles, metadata: Record<string, string>): string {
  const head = ['metadata:', ...Object.entries(metadata).map(([k, v]) => `  ${k}: ${v}`), ''];
  const entries = [...files.keys()]
    .sort()
    .flatMap((p) => [`Source: ${p}`, 'Algorithm: SHA-256', `Hash: ${fileDigest(files, p, 'sha256') ?? ''}`, '']);
  return [...head, ...entries].join('\n');
}
