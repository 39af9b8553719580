import type { Command } from 'commander';
import { registerServe } from './serve';

/**
 * Every subcommand, one registration function per file. Keep this list sorted.
 */
const registrations: Array<(program: Command) => void> = [
  registerServe,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
