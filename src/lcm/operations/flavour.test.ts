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
