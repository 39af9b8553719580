import { join } from 'node:path';
import { assemblePackage, loadTypeLibrary, parsePackage, readPackageDir, type VnfdModel } from '../../tosca';
import type { VnfInstance } from '../../domain/vnf-instance';
import { changeFlavour } from './change-flavour';
import { instantiate } from './instantiate';

/** A multi-flavour VNFD (the corpus' broker: a top VNFD and one file per flavour) against the flavour checks. */
let broker: VnfdModel;
beforeAll(async () => {
  const lib = loadTypeLibrary();
  const files = readPackageDir(join(__dirname, '../../../test/fixtures/vnfd-corpus/broker')).files!;
  await assemblePackage(files, lib, 'broker');
  broker = parsePackage(files, lib).model!;
});
const instance = {} as VnfInstance;
const refusal = (f: () => unknown): { message: string; field?: string } => {
  try {
    f();
  } catch (e) {
    return e as { message: string; field?: string };
  }
  throw new Error('not refused');
};

describe('flavourId and newFlavourId against a VNFD with several flavours', () => {
  it('the first flavour is taken; another declared one is refused saying only the first is deployed', () => {
    const [first, second] = broker.flavours.map((f) => f.flavourId);
    expect(first).toBe(broker.flavourId);
    expect(second).toBeDefined();
    expect(() => instantiate.check?.(broker, instance, { flavourId: first! }, undefined as never)).not.toThrow();
    const other = refusal(() => instantiate.check?.(broker, instance, { flavourId: second! }, undefined as never));
    expect(other.message).toMatch(new RegExp(`flavourId ${second}: VNFD .* declares it, .*only its first flavour`));
    expect(other).toMatchObject({ field: 'flavourId' });
  });

  it('an undeclared flavour is refused naming every flavour the VNFD has', () => {
    const all = broker.flavours.map((f) => f.flavourId).join(', ');
    const none = refusal(() => changeFlavour.check?.(broker, instance, { newFlavourId: 'gold' }, undefined as never));
    expect(none.message).toBe(`newFlavourId gold is not a flavour of VNFD ${broker.descriptorId} (it has ${all})`);
    expect(none).toMatchObject({ field: 'newFlavourId' });
  });
});

describe('a VDU without an image (a container VNF: valid at onboarding, not deployable as VMs)', () => {
  it('instantiate is refused naming the VDU; the package itself parsed with a warning', async () => {
    const lib = loadTypeLibrary();
    const files = readPackageDir(join(__dirname, '../../../vnfd/forwarder')).files!;
    const path = 'Definitions/forwarder_vnfd.yaml';
    files.set(
      path,
      Buffer.from(
        files
          .get(path)!
          .toString()
          .replace(/ {8}sw_image_data:\n( {10}.*\n| {12}.*\n)+/, ''),
      ),
    );
    await assemblePackage(files, lib, 'forwarder');
    const r = parsePackage(files, lib);
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toContain(
      "VDU 'click_vdu' has no image: give it sw_image_data or a tosca.artifacts.nfv.SwImage artifact " +
        '(without one this VNFM cannot instantiate it)',
    );
    const no = refusal(() => instantiate.check?.(r.model!, instance, { flavourId: 'simple' }, undefined as never));
    expect(no.message).toBe(
      `flavourId simple: VDU 'click_vdu' of VNFD ${r.model!.descriptorId} has no image (sw_image_data or a SwImage ` +
        'artifact), and this VNFM deploys VDUs as VMs',
    );
    expect(no).toMatchObject({ field: 'flavourId' });
  });
});
