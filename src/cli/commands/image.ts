import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { processEnv } from '../../config';
import { imageMetadata, parseImageMetadata, uploadImage, type Variant } from '../../image';
import { OpenStackClient, resolveCloud } from '../../openstack';

function parseRevisions(file: string): Record<string, string> {
  // image-build/revisions.env: NAME_REPO=url / NAME_REV=commit lines
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=("?)([^"]*)\2\s*$/.exec(line.trim());
    if (m) out[m[1] as string] = m[3] as string;
  }
  return out;
}

/** `clickvnfm image metadata|upload`: the Click-on-OSv image's Glance metadata, and its upload. */
export function registerImage(program: Command): void {
  const image = program.command('image').description('the Click-on-OSv image: its metadata and its upload to Glance');
  image
    .command('metadata <qcow2>')
    .description(
      'print (or write) the metadata JSON of a built image: ' +
        'sha256, sizes, formats, Glance properties, management dialect',
    )
    .requiredOption('--variant <variant>', 'classic (click-plugin) or modern (osv-controlsocket)')
    .option('--version <version>', 'the image version', '1.0')
    .option('--name <name>', 'the image name (default click-on-osv-<variant>)')
    .option('--revisions <file>', 'the pinned upstream revisions (image-build/revisions.env)')
    .option('-o, --out <file>', 'write the JSON there instead of stdout')
    .action(
      async (
        file: string,
        o: { variant: string; version: string; name?: string; revisions?: string; out?: string },
      ) => {
        if (o.variant !== 'classic' && o.variant !== 'modern')
          throw new Error(`--variant must be classic or modern (got '${o.variant}')`);
        const meta = await imageMetadata(file, {
          variant: o.variant as Variant,
          version: o.version,
          ...(o.name ? { name: o.name } : {}),
          ...(o.revisions ? { revisions: parseRevisions(o.revisions) } : {}),
        });
        const text = JSON.stringify(meta, null, 2) + '\n';
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      },
    );
  image
    .command('upload <qcow2>')
    .description(
      'upload the image to Glance (OS_CLOUD or OS_* variables) with its metadata; refuses a file whose sha256 differs',
    )
    .requiredOption('--metadata <json>', 'the metadata JSON (clickvnfm image metadata / image-build)')
    .option('--name <name>', 'the Glance image name (default: the metadata name)')
    .action(async (file: string, o: { metadata: string; name?: string }) => {
      const meta = parseImageMetadata(readFileSync(o.metadata, 'utf8'), o.metadata);
      const cloud = resolveCloud(processEnv(), { home: homedir(), cwd: process.cwd() });
      const os = await OpenStackClient.connect(cloud);
      const tty = process.stderr.isTTY;
      let lastPct = -1;
      const r = await uploadImage(file, meta, os.image, {
        ...(o.name ? { name: o.name } : {}),
        onProgress: (sent, total) => {
          const pct = Math.floor((100 * sent) / total);
          if (pct === lastPct) return;
          lastPct = pct;
          const line = `uploading ${file}: ${pct}% (${(sent / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)`;
          if (tty) process.stderr.write(`\r${line}`);
          else if (pct % 10 === 0) process.stderr.write(`${line}\n`);
        },
      });
      if (tty) process.stderr.write('\n');
      process.stdout.write(
        r.reused
          ? `image ${r.id} with sha256 ${meta.sha256} is already in Glance; reused\n`
          : `image ${r.id} uploaded and active (sha256 ${meta.sha256})\n`,
      );
    });
}
