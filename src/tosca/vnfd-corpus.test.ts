/**
 * The VNFD corpus (test/fixtures/vnfd-corpus): VNFDs in the shapes other VNFMs' packages have (a top VNFD
 * importing one file per flavour, get_input everywhere, boot from a volume, LCM scripts, get_property and
 * string functions), each read into the model a user expects; mistakes in them found at file:line:column.
 */
import { join } from 'node:path';
import { packageValidate } from '../cli/commands/package';
import {
  assemblePackage,
  buildPackage,
  loadTypeLibrary,
  parsePackage,
  readPackageDir,
  validatePackage,
  writeManifest,
  type PackageFiles,
  type VnfdModel,
} from '.';

const lib = loadTypeLibrary();
const CORPUS = join(__dirname, '../../test/fixtures/vnfd-corpus');

/** A corpus package completed (type files, manifest), changed by `mutate`, its manifest written again. */
async function corpus(name: string, mutate: (files: PackageFiles) => void = () => undefined): Promise<PackageFiles> {
  const files = readPackageDir(join(CORPUS, name)).files!;
  await assemblePackage(files, lib, name);
  mutate(files);
  const mf = [...files.keys()].find((p) => !p.includes('/') && p.endsWith('.mf'))!;
  const listed = new Map([...files].filter(([p]) => p !== 'TOSCA-Metadata/TOSCA.meta' && p !== mf));
  files.set(mf, Buffer.from(writeManifest(listed, { vnf_provider_id: 'x' })));
  return files;
}
const edit = (files: PackageFiles, path: string, from: string, to: string): void => {
  const text = files.get(path)!.toString();
  if (!text.includes(from)) throw new Error(`${from} is not in ${path}`);
  files.set(path, Buffer.from(text.replace(from, to)));
};
const errorsOf = (files: PackageFiles) => parsePackage(files, lib).diagnostics.filter((d) => d.severity === 'error');
async function modelOf(name: string): Promise<VnfdModel> {
  const r = parsePackage(await corpus(name), lib);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.model!;
}
/** The 1-based line of the first line of `path` containing `needle` (after `after`, when given). */
function lineOf(files: PackageFiles, path: string, needle: string, after?: string): number {
  const lines = files.get(path)!.toString().split('\n');
  const from = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
}

const SMALL = 'Definitions/broker_df_small.yaml';
const LARGE = 'Definitions/broker_df_large.yaml';
const PROBE = 'Definitions/probe_vnfd.yaml';

describe('a top VNFD importing one file per flavour, get_input everywhere', () => {
  it('reads each flavour with its VDUs, images, links and aspects; the VNF from the top and its type', async () => {
    const m = await modelOf('broker');
    expect(m).toMatchObject({
      descriptorId: '6a1f0b7e-2c1d-4e55-9b0a-3f7c2d9e8a41',
      descriptorVersion: '2.1',
      provider: 'Example Networks',
      productName: 'broker',
      softwareVersion: '2.1.0',
      vnfmInfo: ['Tacker', 'click-osv-vnfm'],
      vnfNodeType: 'example.nodes.BrokerVnf',
      entryDefinitions: 'Definitions/broker_top.yaml',
      flavourId: 'small',
    });
    expect(m.flavours.map((f) => [f.flavourId, f.definitions])).toEqual([
      ['small', SMALL],
      ['large', LARGE],
    ]);
    const [small, large] = m.flavours;
    expect(small!.flavourDescription).toBe('broker with one VM');
    expect(small!.vdus.map((v) => [v.id, v.name, v.description, v.virtualMemoryBytes, v.swImage?.version])).toEqual([
      ['broker', 'broker', 'Packet broker small', 2e9, '2.1.0'],
    ]);
    expect(small!.vduCps.map((c) => [c.id, c.order, c.vnicType, c.virtualLinkId])).toEqual([
      ['broker_mgmt_cp', 0, 'normal', undefined],
      ['broker_data_cp', 1, 'direct-physical', 'data_vl'],
    ]);
    expect(small!.virtualLinks.map((l) => l.id)).toEqual(['data_vl']);
    expect(small!.scalingAspects).toEqual([
      expect.objectContaining({ id: 'broker_aspect', maxScaleLevel: 1, vduDeltas: { broker: { delta_1: 1 } } }),
    ]);
    expect(large!.flavourDescription).toBe('Brokers and a collector');
    expect(large!.vdus.map((v) => [v.id, v.maxInstances, v.swImage?.name, v.swImage?.version])).toEqual([
      ['broker', 6, 'broker-image', '2.1'],
      ['collector', 1, 'collector-image', '2.1'],
    ]);
    expect(large!.vdus[0]!.description).toBe('Packet broker by Example Networks');
    expect(large!.scalingAspects[0]).toMatchObject({ maxScaleLevel: 2, vduDeltas: { broker: { delta_2: 2 } } });
    expect(m.vdus).toBe(small!.vdus);
  });

  it('validates as a built CSAR too', async () => {
    const built = await buildPackage(join(CORPUS, 'broker'), lib);
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = await validatePackage(built.csar!, lib);
    expect(r.model?.flavours.map((f) => f.vdus.length)).toEqual([1, 2]);
  });

  it('`package validate` says what each flavour has', async () => {
    let out = '';
    const code = await packageValidate(join(CORPUS, 'broker'), { out: (t) => void (out += t), err: () => undefined });
    expect(code).toBe(0);
    expect(out).toContain('1 VDU(s), flavour small\n');
    expect(out).toContain(
      `  flavour small (${SMALL}): 1 VDU(s) broker [image broker-image]; 1 VL(s); aspects broker_aspect (max 1)\n`,
    );
    expect(out).toContain(
      `  flavour large (${LARGE}): 2 VDU(s) broker [image broker-image], collector [image collector-image]; ` +
        '0 VL(s); aspects broker_aspect (max 2)\n',
    );
  });

  it('a get_input naming no input: an error at its line in the flavour file', async () => {
    const files = await corpus('broker', (f) =>
      edit(f, LARGE, 'version: { get_input: image_version }', 'version: { get_input: image_vers }'),
    );
    const e = errorsOf(files);
    expect(e).toEqual([
      {
        file: LARGE,
        line: lineOf(files, LARGE, 'get_input: image_vers }'),
        column: 11,
        severity: 'error',
        message:
          "get_input: 'image_vers' is not an input of this topology_template " +
          '(its inputs: descriptor_id, provider, flavour_id, image_version, collector_image, max_brokers)',
      },
    ]);
  });

  it('a value of the wrong type once resolved: an error at the property that uses the input', async () => {
    const files = await corpus('broker', (f) => {
      edit(f, SMALL, 'default: 0', "default: 'first'");
      edit(f, SMALL, 'default: direct-physical', 'default: warp');
    });
    const e = errorsOf(files);
    expect(e.map((d) => [d.file, d.line, d.message])).toEqual([
      [
        SMALL,
        lineOf(files, SMALL, "default: 'first'"),
        `input 'mgmt_order' is of type integer, its default is "first"`,
      ],
      [SMALL, lineOf(files, SMALL, 'order: { get_input'), `property 'order' must be an integer, got "first"`],
      [
        SMALL,
        lineOf(files, SMALL, 'vnic_type: { get_input'),
        'property \'vnic_type\' must be one of normal, virtio, direct-physical, got "warp"',
      ],
    ]);
    expect(e[1]!.column).toBe(9);
  });

  it("a flavour id the VNF type does not allow, in the flavour's file", async () => {
    const files = await corpus('broker', (f) => edit(f, LARGE, 'flavour_id: large', 'flavour_id: huge'));
    const e = errorsOf(files);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({
      file: LARGE,
      message: `property 'flavour_id' must be one of small, large, got "huge"`,
    });
  });

  it('two files describing the same flavour', async () => {
    const files = await corpus('broker', (f) => edit(f, LARGE, 'flavour_id: large', 'flavour_id: small'));
    expect(errorsOf(files).map((d) => [d.file, d.message])).toEqual([
      [LARGE, `flavour 'small' is also described in ${SMALL}`],
    ]);
  });
});

describe('other shapes', () => {
  it('a single file: flavour and values from input defaults; an input without one is unknown, no error', async () => {
    const m = await modelOf('single-file');
    expect(m.flavours.map((f) => f.flavourId)).toEqual(['standard']);
    expect(m.softwareVersion).toBe('3.4');
    expect(m.vdus.map((v) => [v.id, v.numVirtualCpu, v.swImage?.version, v.description])).toEqual([
      ['sensor', 4, '3.4', ''],
    ]);
    expect(m.scalingAspects.map((a) => [a.id, a.maxScaleLevel])).toEqual([['sensor_aspect', 3]]);
  });

  it('a VDU that boots from a VirtualBlockStorage with sw_image_data has its image', async () => {
    const m = await modelOf('block-storage');
    expect(
      m.vdus.map((v) => [v.id, v.bootStorage, v.swImage?.name, v.swImage?.diskFormat, v.swImage?.minDiskBytes]),
    ).toEqual([['db', 'db_root', 'keystore-image', 'raw', 20e9]]);
    const files = await corpus('block-storage', (f) =>
      edit(f, 'Definitions/volume_vnfd.yaml', '- virtual_storage: db_root', '- virtual_storage: db_boot'),
    );
    expect(errorsOf(files).map((d) => d.message)).toEqual([
      "VDU 'db': virtual_storage 'db_boot' is not a node template",
    ]);
    expect(parsePackage(files, lib).diagnostics.map((d) => d.message)).toContain(
      "VDU 'db' has no image: give it sw_image_data or a tosca.artifacts.nfv.SwImage artifact " +
        '(without one this VNFM cannot instantiate it)',
    );
  });

  it('LCM operations run artifacts of the VNF node, which must be in the package', async () => {
    const m = await modelOf('lcm-scripts');
    expect(m.flavours.map((f) => f.flavourId)).toEqual(['basic']);
    expect(m.lcmOperations).toEqual([
      { operation: 'instantiate_end', artifact: 'configure_script', path: 'Scripts/configure.py' },
      { operation: 'heal_start', artifact: 'heal_script', path: 'Scripts/heal.sh' },
    ]);
    expect(m.vdus[0]!.imageArtifact).toBe('Files/images/app.qcow2');
    const df = 'Definitions/scripted_df_basic.yaml';
    const files = await corpus('lcm-scripts', (f) => {
      f.delete('Scripts/heal.sh');
      edit(f, df, 'implementation: configure_script', 'implementation: configure');
    });
    expect(errorsOf(files)).toEqual([
      expect.objectContaining({
        file: df,
        line: lineOf(files, df, 'implementation: configure'),
        message: "Vnflcm instantiate_end: 'configure' is not an artifact of the VNF node 'VNF'",
      }),
      expect.objectContaining({
        file: df,
        line: lineOf(files, df, 'heal_script:', 'artifacts:'),
        message: "artifact 'heal_script': Scripts/heal.sh is not in the package",
      }),
    ]);
  });

  it('get_property (SELF, other nodes, capabilities, nested values), concat, join and token', async () => {
    const m = await modelOf('functions');
    expect(m.softwareVersion).toBe('4.2.1');
    expect(m.flavourDescription).toBe('probe, default flavour');
    const [probe, sizing] = m.vdus;
    expect(probe).toMatchObject({ name: 'probe-vm', description: '', maxInstances: 5, numVirtualCpu: 3 });
    expect(probe!.swImage).toMatchObject({ name: 'probe-image', version: '4.2.1' });
    expect(sizing).toMatchObject({ description: 'Sizing for probe-vm' });
    expect(sizing!.swImage).toEqual(probe!.swImage);
    expect(m.vduCps.find((c) => c.id === 'probe_tap_cp')!.layerProtocols).toEqual(['ipv4']);
  });

  it('get_property naming an unknown node or property, at the value that uses it', async () => {
    const files = await corpus('functions', (f) => {
      edit(
        f,
        PROBE,
        "name: { concat: [ { get_property: [ VNF, product_name ] }, '-vm' ] }",
        'name: { get_property: [ VNFX, product_name ] }',
      );
      edit(
        f,
        PROBE,
        'version: { get_property: [ VNF, software_version ] }',
        'version: { get_property: [ VNF, sw_version ] }',
      );
    });
    expect(errorsOf(files).map((d) => [d.file, d.line, d.column, d.message])).toEqual([
      [PROBE, lineOf(files, PROBE, 'VNFX'), 9, "get_property: no node template 'VNFX' in this topology_template"],
      [PROBE, lineOf(files, PROBE, 'sw_version'), 11, "get_property: node 'VNF' has no property 'sw_version'"],
    ]);
  });

  it('a get_property cycle is an error, not a hang', async () => {
    const files = await corpus('functions', (f) =>
      edit(f, PROBE, '        name: sizing', '        name: { get_property: [ SELF, name ] }'),
    );
    expect(errorsOf(files).map((d) => d.message)).toContain('get_property refers back to this value (a cycle)');
  });
});
