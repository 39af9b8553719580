import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ETSI_FILES, ETSI_IMPORTS, type PackageFiles, type TypeLibrary } from '../../tosca';

/**
 * `package build --etsi-types <dir>`: the Tacker layout. Our packages import ETSI's SOL001 v2.6.1 files by
 * their URLs (SOL001's way; our parser knows them offline). Tacker 8's tosca-parser cannot load them so:
 * ETSI's vnfd types file imports `./etsi_nfv_sol001_common_types.yaml`, a path it cannot resolve from a
 * file it fetched by URL. Tacker's documentation and samples therefore carry ETSI's two files in
 * Definitions/ (downloaded from forge.etsi.org) and import them by name. This puts the operator's copies of
 * ETSI's files (never ours: our subset must not shadow ETSI's definitions) in Definitions/ and makes every
 * VNFD and type file import them by name. Returns what it did, for the command's output.
 */
export function bundleEtsiTypes(files: PackageFiles, dir: string, library: TypeLibrary): string[] {
  const done: string[] = [];
  for (const [url, name] of Object.entries(ETSI_IMPORTS)) {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    const meta = (yaml.load(text, { json: true }) as { metadata?: Record<string, unknown> } | null)?.metadata ?? {};
    if (meta['template_author'] !== 'ETSI_NFV' || meta['template_name'] !== name.replace(/\.yaml$/, ''))
      throw new Error(`${path} is not ETSI's ${name} (metadata.template_author ETSI_NFV): download it from ${url}`);
    // a copy that imports ETSI's other file by URL (Tacker's samples carry such copies) makes tosca-parser fetch it
    // at upload, which fails offline: the carried copies import each other by name, their definitions untouched
    let carried = text;
    for (const [otherUrl, other] of Object.entries(ETSI_IMPORTS))
      if (other !== name) carried = byName(carried, otherUrl, other);
    files.set(`Definitions/${name}`, Buffer.from(carried));
    done.push(`Definitions/${name}: ETSI's, from ${path}${carried !== text ? ' (imports the other by name)' : ''}`);
  }
  // our own type files travel too (assemblePackage would add them as they are, importing ETSI by URL)
  for (const [name, text] of library)
    if (!ETSI_FILES.has(name) && !files.has(`Definitions/${name}`)) files.set(`Definitions/${name}`, Buffer.from(text));
  for (const [path, bytes] of files) {
    const m = /^Definitions\/([^/]+\.ya?ml)$/.exec(path);
    if (m === null || ETSI_FILES.has(m[1] as string)) continue;
    let text = bytes.toString('utf8');
    for (const [url, name] of Object.entries(ETSI_IMPORTS)) text = byName(text, url, name);
    if (text !== bytes.toString('utf8')) {
      files.set(path, Buffer.from(text));
      done.push(`${path}: imports ETSI's files by name`);
    }
  }
  return done;
}

function byName(text: string, url: string, name: string): string {
  return text.split(url).join(name);
}
