import type { Command } from 'commander';

/**
 * Every subcommand, one registration function per file. Keep this list sorted.
 */
const registrations: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
