import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { parseImageMetadata, swImageData } from '../../image';
import type { PackageFiles } from '../../tosca';

/**
 * Puts an image's metadata into each VNFD's `sw_image_data` (the block is replaced in the YAML text, the
 * rest of the file is kept as it is) and, when given, the image file at the VNFD's SwImage artifact path.
 * Returns what it changed, for the command's output.
 */
export function applyImageMetadata(files: PackageFiles, metadataFile: string, imageFile?: string): string[] {
  const meta = parseImageMetadata(readFileSync(metadataFile, 'utf8'), metadataFile);
  const block = yaml.dump(swImageData(meta), { lineWidth: 200 }).trimEnd().split('\n');
  const changed: string[] = [];
  for (const [path, bytes] of files) {
    if (!/^Definitions\/[^/]+\.ya?ml$/.test(path)) continue;
    const lines = bytes.toString('utf8').split('\n');
    let touched = false;
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)sw_image_data:\s*$/.exec(lines[i] as string);
      if (!m) continue;
      const indent = (m[1] as string).length;
      let end = i + 1;
      while (
        end < lines.length &&
        ((lines[end] as string).trim() === '' || /^(\s*)/.exec(lines[end] as string)![1]!.length > indent)
      )
        end++;
      while (end > i + 1 && (lines[end - 1] as string).trim() === '') end--;
      lines.splice(i + 1, end - i - 1, ...block.map((l) => `${' '.repeat(indent + 2)}${l}`));
      touched = true;
    }
    if (!touched) continue;
    const text = lines.join('\n');
    files.set(path, Buffer.from(text));
    changed.push(`${path}: sw_image_data from ${metadataFile} (sha256 ${meta.sha256})`);
    if (imageFile !== undefined) {
      const withArtifact = withImageArtifact(text, `click-on-osv.${meta.disk_format}`);
      files.set(path, Buffer.from(withArtifact));
      const art = /file:\s*(?:\.\.\/)?(Files\/images\/\S+)/.exec(withArtifact)?.[1] as string;
      files.set(art, readFileSync(imageFile));
      changed.push(`${art}: ${imageFile}`);
    }
  }
  if (changed.length === 0) throw new Error('no VNFD in Definitions/ has a sw_image_data block to fill');
  return changed;
}

const indentOf = (line: string): number => /^(\s*)/.exec(line)![1]!.length;

/**
 * The VNFD text with a tosca.artifacts.nfv.SwImage artifact (`../Files/images/<name>`) on each node that has
 * `sw_image_data` and no such artifact yet: the bundled-image variant of a package. Without it a package
 * names its image only by sw_image_data (the image is then found in the VIM by name, as Tacker does too), and
 * never a file it does not carry, which tosca-parser (so Tacker) refuses.
 */
export function withImageArtifact(text: string, name: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!/^\s*sw_image_data:\s*$/.test(lines[i] as string)) continue;
    const indent = indentOf(lines[i] as string);
    let start = i;
    while (start > 0 && !(lines[start]!.trim() !== '' && indentOf(lines[start] as string) <= indent - 4)) start--;
    let end = i + 1;
    while (end < lines.length && (lines[end]!.trim() === '' || indentOf(lines[end] as string) > indent - 4)) end++;
    while (end > i + 1 && lines[end - 1]!.trim() === '') end--;
    if (lines.slice(start, end).some((l) => l.includes('tosca.artifacts.nfv.SwImage'))) continue;
    const pad = ' '.repeat(indent);
    const entry = [
      `${pad}sw_image:`,
      `${pad}  type: tosca.artifacts.nfv.SwImage`,
      `${pad}  file: ../Files/images/${name}`,
    ];
    const at = lines.slice(i, end).findIndex((l) => l === `${' '.repeat(indent - 2)}artifacts:`);
    if (at >= 0) lines.splice(i + at + 1, 0, ...entry);
    else lines.splice(end, 0, `${' '.repeat(indent - 2)}artifacts:`, ...entry);
  }
  return lines.join('\n');
}
