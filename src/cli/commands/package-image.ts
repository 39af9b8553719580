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
      const art = /file:\s*(?:\.\.\/)?(Files\/images\/\S+)/.exec(text)?.[1];
      if (art === undefined)
        throw new Error(`${path} has no SwImage artifact under Files/images/ to put ${imageFile} at`);
      files.set(art, readFileSync(imageFile));
      changed.push(`${art}: ${imageFile}`);
    }
  }
  if (changed.length === 0) throw new Error('no VNFD in Definitions/ has a sw_image_data block to fill');
  return changed;
}
