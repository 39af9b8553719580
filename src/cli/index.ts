import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';

/**
 * The `clickvnfm` command line. Each subcommand lives in src/cli/commands/<name>.ts and is
 * registered in src/cli/commands/index.ts. Exit codes: 0 success, 1 the input is bad (check
 * failed, API said no), 2 usage or internal error.
 * With `argv`, only the files that this command line needs are loaded (a one-shot check stays light).
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('clickvnfm')
    .description('VNF manager for Click-on-OSv network functions (ETSI SOL003)')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program, argv);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`clickvnfm: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
