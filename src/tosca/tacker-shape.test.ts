/**
 * The shape that lets our packages load in Tacker (docs/packages.md, "Onboarding in Tacker"): plain
 * tosca.nodes.nfv.Vdu.Compute VDUs managed through a clickosv.policies.Management policy, SR-IOV asked for by a
 * NIC requirement, the flavour id and inputs tosca-parser wants, ETSI's files imported by URL and never copied.
 * Tacker's own loaders are run on them by scripts/dev/tacker-load.py on a developer's machine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { assemblePackage, ETSI_IMPORTS, loadTypeLibrary, parsePackage, readPackageDir, type PackageFiles } from '.';
import { bundleEtsiTypes } from '../cli/commands/package-etsi';

const lib = loadTypeLibrary();
const ROOT = join(__dirname, '../../vnfd');
const SAMPLES = ['forwarder', 'firewall', 'nat', 'load-balancer', 'rate-limiter'];
type Y = Record<string, unknown>;
/** The value at a path of nested YAML mappings (undefined where one is missing). */
const at = (v: unknown, ...path: string[]): unknown => path.reduce((o, k) => (o as Y | undefined)?.[k], v);

async function sample(name: string, mutate?: (vnfd: string) => string): Promise<PackageFiles> {
  const files = readPackageDir(join(ROOT, name)).files!;
  const vnfdPath = [...files.keys()].find((p) => p.endsWith('_vnfd.yaml'))!;
  if (mutate !== undefined) files.set(vnfdPath, Buffer.from(mutate(files.get(vnfdPath)!.toString())));
  await assemblePackage(files, lib);
  return files;
}
const vnfdOf = (files: PackageFiles): Y =>
  yaml.load([...files].find(([p]) => p.endsWith('_vnfd.yaml'))![1].toString()) as Y;
const errors = (files: PackageFiles) => parsePackage(files, lib).diagnostics.filter((d) => d.severity === 'error');

describe.each(SAMPLES)('sample %s in the shape Tacker loads', (name) => {
  it('VDUs of the exact type Tacker looks for, a flavour id, and an input per required VNF property', async () => {
    const files = await sample(name);
    const tt = vnfdOf(files)['topology_template'] as Y;
    const nodes = Object.values(tt['node_templates'] as Y) as Y[];
    expect(nodes.filter((n) => n['type'] === 'tosca.nodes.nfv.Vdu.Compute').length).toBeGreaterThan(0);
    expect(nodes.filter((n) => String(n['type']).startsWith('clickosv.nodes.ClickOsvVdu'))).toEqual([]);
    const vnf = nodes.find((n) => n['type'] === 'clickosv.nodes.ClickOsvVnf')!['properties'] as Y;
    expect(at(tt, 'substitution_mappings', 'properties')).toEqual({ flavour_id: vnf['flavour_id'] });
    // the inputs restate the VNF's values: they must never drift apart
    const required = ['descriptor_id', 'descriptor_version', 'provider', 'product_name', 'software_version'];
    for (const key of [...required, 'vnfm_info', 'flavour_id', 'flavour_description'])
      expect([key, at(tt, 'inputs', key, 'default')]).toEqual([key, vnf[key]]);
    for (const v of vnf['vnfm_info'] as string[]) expect(v).toMatch(/^(etsivnfm:v\d+\.\d+\.\d+|\d+:[a-zA-Z0-9.-]+)$/);
  });

  it('names no file it lacks, and carries no copy of an ETSI file (ours would shadow ETSI in Tacker)', async () => {
    const files = await sample(name);
    for (const etsi of Object.values(ETSI_IMPORTS)) expect(files.has(`Definitions/${etsi}`)).toBe(false);
    const text = [...files].find(([p]) => p.endsWith('_vnfd.yaml'))![1].toString();
    for (const [, file] of text.matchAll(/^\s+file: \.\.\/(\S+)$/gm))
      expect([file, files.has(file!)]).toEqual([file, true]);
    const model = parsePackage(files, lib);
    expect(model.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(model.model?.vdus[0]?.swImage?.name).toBe('click-on-osv');
  });
});

describe('clickosv.policies.Management', () => {
  it("gives each targeted VDU its dialect, ports and readiness; SR-IOV from the CP's NIC requirement", async () => {
    const nat = parsePackage(await sample('nat'), lib).model!;
    expect(nat.vdus[0]!.management).toEqual({
      dialect: 'osv-controlsocket',
      apiPort: 8000,
      controlSocketPort: 8001,
      readiness: { graceMs: 10_000, intervalMs: 2_000, deadlineMs: 45_000 },
    });
    expect(nat.vduCps.map((c) => c.vnicType)).toEqual(['normal', 'direct', 'direct']);
    const fw = parsePackage(await sample('forwarder'), lib).model!;
    expect(fw.vdus[0]!.management.dialect).toBe('click-plugin');
  });

  it('a policy naming no VDU, two policies on one VDU, and a bad dialect: errors at their lines', async () => {
    const files = await sample('nat', (s) =>
      s
        .replace(
          '        targets: [ click_vdu ]\n\n    - scaling_aspects:',
          '        targets: [ mgmt_cp ]\n\n    - scaling_aspects:',
        )
        .replace('dialect: osv-controlsocket', 'dialect: telnet'),
    );
    const msgs = errors(files).map((d) => `${d.line}: ${d.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+: policy 'click_vdu_management' targets 'mgmt_cp', which is not a VDU$/),
        expect.stringMatching(/property 'dialect' must be one of click-plugin, osv-controlsocket, got "telnet"$/),
      ]),
    );
    const twice = await sample('nat', (s) =>
      s.replace(
        '    - scaling_aspects:',
        '    - again:\n        type: clickosv.policies.Management\n        properties: { dialect: click-plugin }\n' +
          '        targets: [ click_vdu ]\n\n    - scaling_aspects:',
      ),
    );
    expect(errors(twice).map((d) => d.message)).toContain(
      "VDU 'click_vdu' is the target of more than one clickosv.policies.Management policy",
    );
  });

  it('a package written before it (a ClickOsvVdu with its own management) still parses the same', async () => {
    const files = await sample('nat', (s) =>
      s
        .replace('type: tosca.nodes.nfv.Vdu.Compute', 'type: clickosv.nodes.ClickOsvVdu')
        .replace(
          '        description: Click-on-OSv VM',
          '        management: { dialect: click-plugin, api_port: 8080 }\n' + '        description: Click-on-OSv VM',
        )
        .replace(/ {4}- click_vdu_management:\n(?: {8}.*\n)+\n/, ''),
    );
    const r = parsePackage(files, lib);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model!.vdus[0]!.management).toMatchObject({ dialect: 'click-plugin', apiPort: 8080 });
  });
});

describe('package build --etsi-types (the layout Tacker 8 loads)', () => {
  it("carries the given ETSI files, imports them by name, and refuses files that are not ETSI's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etsi-'));
    // our subset is not ETSI's: refused, naming where ETSI's file is
    for (const name of Object.values(ETSI_IMPORTS)) writeFileSync(join(dir, name), lib.get(name)!);
    const files = readPackageDir(join(ROOT, 'forwarder')).files!;
    expect(() => bundleEtsiTypes(files, dir, lib)).toThrow(
      /is not ETSI's etsi_nfv_sol001_\w+_types\.yaml .*https:\/\/forge\.etsi\.org\/rep\/nfv\/SOL001\/raw\/v2\.6\.1\//,
    );
    // files that say they are ETSI's (a real run uses the ones downloaded from forge.etsi.org)
    // ... the vnfd types file as Tacker's samples carry it: importing the common types by URL
    const [commonUrl, common] = Object.entries(ETSI_IMPORTS).find(([, n]) => n.includes('common'))!;
    for (const name of Object.values(ETSI_IMPORTS))
      writeFileSync(
        join(dir, name),
        lib
          .get(name)!
          .replace(/template_author: .*/, 'template_author: ETSI_NFV')
          .replace(`./${common}`, commonUrl),
      );
    const done = bundleEtsiTypes(files, dir, lib);
    const vnfdTypes = Object.values(ETSI_IMPORTS).find((n) => n !== common)!;
    expect(done).toContain(
      `Definitions/${vnfdTypes}: ETSI's, from ${join(dir, vnfdTypes)} (imports the other by name)`,
    );
    expect((yaml.load(files.get(`Definitions/${vnfdTypes}`)!.toString()) as Y)['imports']).toEqual([common]);
    expect(done).toContain("Definitions/clickosv_types.yaml: imports ETSI's files by name");
    await assemblePackage(files, lib);
    for (const name of Object.values(ETSI_IMPORTS))
      expect(files.get(`Definitions/${name}`)?.toString()).toContain('ETSI_NFV');
    const types = yaml.load(files.get('Definitions/clickosv_types.yaml')!.toString()) as Y;
    expect(types['imports']).toEqual(Object.values(ETSI_IMPORTS));
    expect(errors(files)).toEqual([]);
  });
});
