/**
 * Sample packages with a real image inside, for the deployment suite and the OpenStack benchmark
 * (compiled into dist/ too: tsconfig.build.json includes this file).
 */
import { withImageArtifact } from '../../src/cli/commands/package-image';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPackage, loadTypeLibrary } from '../../src/tosca';
import { makeQcow2 } from '../../src/image';

/** A small valid qcow2 (src/image's generator): each salt gives its own checksum. */
export function tinyQcow2(virtualSize = 1 << 30, salt = ''): Buffer {
  return makeQcow2(virtualSize, salt);
}

export interface PackageVariant {
  /** sample directory under vnfd/ */
  sample: string;
  /** the image file to bundle (its sha-256 and size go into the VNFD) */
  image?: Buffer;
  /** text edits of the VNFD YAML: [from, to] */
  edits?: Array<[string | RegExp, string]>;
  /** a new VNFD id, written into the VNFD and the Click configurations' VNF headers alike */
  vnfdId?: string;
  /** text edits of every Click configuration under Files/click (after the vnfdId is written): [from, to] */
  clickEdits?: Array<[string | RegExp, string]>;
}

/** Builds a CSAR of a sample package with a real image inside and optional VNFD edits. */
export async function buildVariant(v: PackageVariant): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), `clickvnfm-pkg-${v.sample}-`));
  try {
    cpSync(join(root(), 'vnfd', v.sample), dir, { recursive: true });
    const defs = join(dir, 'Definitions');
    const file = join(defs, readdirSync(defs).find((f) => f.endsWith('_vnfd.yaml')) as string);
    let text = readFileSync(file, 'utf8');
    if (v.image) {
      mkdirSync(join(dir, 'Files/images'), { recursive: true });
      writeFileSync(join(dir, 'Files/images/click-on-osv.qcow2'), v.image);
      text = withImageArtifact(text, 'click-on-osv.qcow2')
        .replace(/hash: [0-9a-f]{64}/, `hash: ${createHash('sha256').update(v.image).digest('hex')}`)
        .replace(/size: \d+ [KMG]?B/, `size: ${v.image.length} B`);
    }
    for (const [from, to] of v.edits ?? []) {
      const before = text;
      text = text.replace(from, to);
      if (text === before) throw new Error(`variant of ${v.sample}: edit ${String(from)} changed nothing`);
    }
    const oldId = /descriptor_id:\s*(\S+)/.exec(text)?.[1];
    if (v.vnfdId !== undefined && oldId !== undefined) {
      text = text.split(oldId).join(v.vnfdId);
      const clickDir = join(dir, 'Files/click');
      for (const f of readdirSync(clickDir)) {
        const path = join(clickDir, f);
        writeFileSync(path, readFileSync(path, 'utf8').split(oldId).join(v.vnfdId));
      }
    }
    const clickDir = join(dir, 'Files/click');
    for (const f of v.clickEdits === undefined ? [] : readdirSync(clickDir)) {
      const path = join(clickDir, f);
      let click = readFileSync(path, 'utf8');
      for (const [from, to] of v.clickEdits ?? []) {
        const before = click;
        click = click.replace(from, to);
        if (click === before)
          throw new Error(`variant of ${v.sample}: Click edit ${String(from)} changed nothing in ${f}`);
      }
      writeFileSync(path, click);
    }
    writeFileSync(file, text);
    const r = await buildPackage(dir, loadTypeLibrary());
    if (!r.csar) throw new Error(`variant of ${v.sample} does not build: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
    return r.csar;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository root (from test/support or dist/test/support). */
function root(): string {
  let dir = __dirname;
  while (!readdirSync(dir).includes('package.json')) dir = join(dir, '..');
  return dir;
}
