/**
 * The CLI loads only the subcommand files a command line needs (src/cli/commands/index.ts): the table's
 * paths must match what the files register, and a one-shot check must not load the API client, the
 * OpenStack client or the VNFM.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { buildProgram } from '../../src/cli';
import { registrations, registrationsFor } from '../../src/cli/commands';

const CLI = resolve(__dirname, '../../dist/src/cli/index.js');
const REPO = resolve(__dirname, '../..');

/** Every command path the fully loaded program has: top-level names, and `package <sub>` for package's. */
function commandPaths(program: Command): string[] {
  return program.commands.flatMap((c) =>
    registrations.some((r) => r.paths.some((p) => p.startsWith(`${c.name()} `)))
      ? c.commands.map((s) => `${c.name()} ${s.name()}`)
      : [c.name()],
  );
}

/** The dist/src modules a real `clickvnfm <args>` process has loaded when it ends. */
function loadedModules(args: string[]): { status: number | null; modules: string[] } {
  const script = `
    const cli = require(${JSON.stringify(CLI)});
    process.on('exit', () => {
      const mine = Object.keys(require.cache).filter((f) => f.includes('/dist/src/'));
      require('fs').writeSync(3, JSON.stringify(mine.map((f) => f.split('/dist/src/')[1])));
    });
    cli.main(['node', 'clickvnfm', ...${JSON.stringify(args)}]);`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  return { status: r.status, modules: JSON.parse(r.output[3]?.toString() ?? '[]') as string[] };
}

describe('lazy subcommands', () => {
  it("the table's paths are exactly the commands the files register", async () => {
    const all = commandPaths(buildProgram());
    const claimed = registrations.flatMap((r) => r.paths);
    expect([...claimed].sort()).toEqual([...all].sort());
    expect(new Set(claimed).size).toBe(claimed.length);
  });

  it('each command line loads the files that register its command, and nothing more', async () => {
    for (const r of registrations)
      for (const path of r.paths) {
        const argv = ['node', 'clickvnfm', ...path.split(' ')];
        expect(registrationsFor(argv)).toContain(r);
        expect(commandPaths(buildProgram(argv))).toContain(path);
      }
    expect(registrationsFor(['node', 'clickvnfm', 'package', 'validate', 'x']).length).toBe(1);
    // `package` alone or with --help: both files that add to it; no command: everything
    expect(registrationsFor(['node', 'clickvnfm', 'package', '--help']).length).toBe(2);
    expect(registrationsFor(['node', 'clickvnfm', '--help'])).toEqual(registrations);
    expect(registrationsFor(['node', 'clickvnfm', 'nosuch'])).toEqual(registrations);
  });

  it('a one-shot `package validate` loads the TOSCA toolkit, not the API client, OpenStack or the VNFM', () => {
    const { status, modules } = loadedModules(['package', 'validate', 'vnfd/forwarder']);
    expect(status).toBe(0);
    expect(modules).toContain('tosca/index.js');
    for (const heavy of ['cli/api-client.js', 'main.js', 'openstack/index.js', 'store/index.js', 'api/index.js'])
      expect(modules).not.toContain(heavy);
  });

  it('the OSM writer loads for `package build --target osm` only', () => {
    const osm = (m: string) => m.startsWith('tosca/osm-') || m === 'cli/commands/package-osm.js';
    const validate = loadedModules(['package', 'validate', 'vnfd/forwarder']);
    expect(validate.modules.filter(osm)).toEqual([]);
    const out = join(mkdtempSync(join(tmpdir(), 'lazy-osm-')), 'f.tar.gz');
    const build = loadedModules(['package', 'build', 'vnfd/forwarder', '--target', 'osm', '-o', out]);
    expect(build.status).toBe(0);
    expect(build.modules).toContain('cli/commands/package-osm.js');
    expect(build.modules).toContain('tosca/osm-vnfd.js');
  });

  it('a one-shot `click check` loads the Click toolkit only', () => {
    const { status, modules } = loadedModules(['click', 'check', 'vnfd/forwarder/Files/click/forwarder.click']);
    expect(status).toBe(0);
    expect(modules).toContain('click/index.js');
    expect(modules.filter((m) => m.startsWith('tosca/') || m.startsWith('cli/api'))).toEqual([]);
  });
});
