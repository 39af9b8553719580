import Redis from 'ioredis';
import { useRedis } from '../support/redis';
import { PackageModels } from '../../src/lcm/package-models';
import { RedisVnfPackageRepository } from '../../src/store';
import { buildPackage, loadTypeLibrary, modelFormat } from '../../src/tosca';

// A package is parsed once for all processes: the first stores the model beside the package, the next read it.
const redis = useRedis();
const library = loadTypeLibrary();
let client: Redis;
let repo: RedisVnfPackageRepository;

beforeAll(async () => {
  client = new Redis(redis.url);
  repo = new RedisVnfPackageRepository(client, 'pm');
  const built = await buildPackage(`${__dirname}/../../vnfd/forwarder`, library);
  await repo.putContent('p1', built.csar as Buffer);
});
afterAll(async () => {
  await client.quit();
});

describe('parsed VNFD models shared through the store', () => {
  it("stores the first process's model; another process uses it without parsing", async () => {
    const first = await new PackageModels(repo, library).forPackage('p1', 'fwd');
    const stored = await repo.getModel('p1', modelFormat(library));
    expect(JSON.parse(stored as string)).toEqual(first);
    // proof that the second one reads the store: a model that no parse of this package would give
    await repo.putModel('p1', modelFormat(library), JSON.stringify({ ...first, descriptorId: 'from-the-store' }));
    expect((await new PackageModels(repo, library).forPackage('p1', 'fwd')).descriptorId).toBe('from-the-store');
  });

  it('ignores a model stored under another format (another parser or other types) and parses again', async () => {
    const other = new Map(library);
    other.set('extra_types.yaml', 'tosca_definitions_version: tosca_simple_yaml_1_3\n');
    expect(modelFormat(other)).not.toBe(modelFormat(library));
    await repo.putModel('p1', 'an-older-format', JSON.stringify({ descriptorId: 'stale' }));
    const m = await new PackageModels(repo, library).forPackage('p1', 'fwd');
    expect(m.descriptorId).not.toBe('stale');
    expect(await repo.getModel('p1', 'an-older-format')).toBeUndefined();
    expect(JSON.parse((await repo.getModel('p1', modelFormat(library))) as string)).toEqual(m);
  });

  it('deleting the content drops the model too', async () => {
    await repo.deleteContent('p1');
    expect(await repo.getModel('p1', modelFormat(library))).toBeUndefined();
  });
});
