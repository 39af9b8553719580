import type { Command } from 'commander';
import { registerClick } from './click';
import { registerEmulate } from './emulate';
import { registerImage } from './image';
import { registerPackage } from './package';
import { registerServe } from './serve';

/**
 * Every subcommand, one registration function per file. Keep this list sorted.
 */
const registrations: Array<(program: Command) => void> = [
  registerClick,
  registerEmulate,
  registerImage,
  registerPackage,
  registerServe,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
