import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkClick, exportGraph } from '../../click';
import { formatDiagnostic } from '../../errors';

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** `clickvnfm click check <file>`: exit 0 when it passes (warnings printed), 1 with every error listed. */
export function clickCheck(file: string, io: CommandIo = stdio): number {
  const r = checkClick(readText(file), { file });
  for (const d of r.diagnostics) io.err(formatDiagnostic(d) + '\n');
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    io.err(`${file}: ${errors} error(s)\n`);
    return 1;
  }
  const elements = r.graph?.elements.size ?? 0;
  const connections = r.graph?.connections.length ?? 0;
  const vnf = r.header ? `, VNF ${r.header.name} ${r.header.id}` : '';
  io.out(`${file}: ok (${elements} elements, ${connections} connections${vnf})\n`);
  return 0;
}

/** `clickvnfm click graph <file>`: the flattened element graph as JSON (exit 1 on errors). */
export function clickGraph(file: string, io: CommandIo = stdio): number {
  const r = checkClick(readText(file), { file, warnings: false });
  if (!r.ok || r.graph === undefined) {
    for (const d of r.diagnostics) io.err(formatDiagnostic(d) + '\n');
    return 1;
  }
  io.out(JSON.stringify(exportGraph(r.graph), null, 2) + '\n');
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function registerClick(program: Command): void {
  const click = program.command('click').description('check and draw Click configurations');
  click
    .command('check <file>')
    .description('parse and check a Click configuration; every error as file:line:column')
    .action((file: string) => {
      process.exitCode = clickCheck(file);
    });
  click
    .command('graph <file>')
    .description("print the configuration's flattened element graph as JSON")
    .action((file: string) => {
      process.exitCode = clickGraph(file);
    });
}
