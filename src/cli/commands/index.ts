import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * One subcommand file, loaded only when the command line names one of its commands: a one-shot
 * `clickvnfm package validate` or `click check` loads the TOSCA or Click toolkit and nothing else
 * (not the API client, the OpenStack client or the whole VNFM). `paths` are the commands a file adds:
 * a top-level name, or `parent child` for a subcommand added to another file's command (`package upload`).
 * test/cli/lazy-commands.test.ts checks that the paths match what the files really register.
 */
export interface Registration {
  paths: readonly string[];
  load: () => Register;
}

/** Every subcommand file. Keep this list sorted; `api` comes after `package` (it adds upload/list/... to it). */
// Loaded with require() when needed: CommonJS, synchronous, and seen by require.cache like any import.
/* eslint-disable @typescript-eslint/no-require-imports */
export const registrations: readonly Registration[] = [
  { paths: ['click'], load: () => (require('./click') as typeof import('./click')).registerClick },
  {
    paths: ['emulate', 'emulate-cloud'],
    load: () => (require('./emulate') as typeof import('./emulate')).registerEmulate,
  },
  { paths: ['image'], load: () => (require('./image') as typeof import('./image')).registerImage },
  { paths: ['keystone'], load: () => (require('./keystone') as typeof import('./keystone')).registerKeystone },
  {
    paths: ['package build', 'package validate'],
    load: () => (require('./package') as typeof import('./package')).registerPackage,
  },
  { paths: ['serve'], load: () => (require('./serve') as typeof import('./serve')).registerServe },
  {
    paths: [
      'login',
      'logout',
      'vnf',
      'op',
      'subscription',
      'alarm',
      ...['upload', 'list', 'show', 'enable', 'disable', 'delete'].map((c) => `package ${c}`),
    ],
    load: () => (require('./api') as typeof import('./api')).registerApi,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Does `path` name the command that `words` (the command line after the program name) call? */
function names(path: string, words: readonly string[]): boolean {
  const [top, sub] = path.split(' ');
  if (top !== words[0]) return false;
  const next = words[1];
  // `package` alone, or `package --help`: every file that adds to it
  return sub === undefined || next === undefined || next.startsWith('-') || sub === next;
}

/**
 * The files needed for this command line (`argv` as process.argv: node, script, words...): those that name
 * its command, or all of them when it names none (no command, `--help`, a typo: commander then lists them all).
 */
export function registrationsFor(argv: readonly string[] | undefined): readonly Registration[] {
  const words = argv?.slice(2) ?? [];
  const wanted = registrations.filter((r) => r.paths.some((p) => names(p, words)));
  return wanted.length > 0 ? wanted : registrations;
}

export function registerCommands(program: Command, argv?: readonly string[]): void {
  for (const r of registrationsFor(argv)) r.load()(program);
}
