import type { Command } from 'commander';
import { registerApi } from './api';
import { registerClick } from './click';
import { registerEmulate } from './emulate';
import { registerImage } from './image';
import { registerKeystone } from './keystone';
import { registerPackage } from './package';
import { registerServe } from './serve';

/**
 * Every subcommand, one registration function per file. Keep this list sorted.
 */
const registrations: Array<(program: Command) => void> = [
  registerClick,
  registerEmulate,
  registerImage,
  registerKeystone,
  registerPackage,
  registerServe,
  // after `package`: adds upload/list/show/... to it
  registerApi,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
