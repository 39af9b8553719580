/**
 * `clickvnfm package build <dir> --target osm`: the OSM VNF package of each sample, checked against our own
 * schema of the SOL006/OSM descriptor (OsmVnfdSchema, by Ajv: another validator than the one the CLI uses),
 * its checksums.txt against its files, and the descriptor's references between its parts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { packageBuild } from '../../src/cli/commands/package';
import { OsmVnfdSchema, type OsmVnfdDocument } from '../../src/tosca/osm-types';
import { readTarGz } from '../../src/tosca/osm-tar';

const REPO = resolve(__dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'package-osm-'));
const SAMPLES = ['forwarder', 'firewall', 'nat', 'load-balancer', 'rate-limiter'];
const validate = new Ajv({ allErrors: true, strict: false }).compile(OsmVnfdSchema);

function io(): { out: (t: string) => void; err: (t: string) => void; text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { out: (t) => (text.out += t), err: (t) => (text.err += t), text };
}

async function build(sample: string, extra: Parameters<typeof packageBuild>[3] = {}) {
  const file = join(out, `${sample.split('/').pop()}-${extra.charm === false ? 'nocharm' : 'osm'}.tar.gz`);
  const o = io();
  const code = await packageBuild(join(REPO, 'vnfd', sample), file, o, { target: 'osm', ...extra });
  if (code !== 0) throw new Error(`${sample}: exit ${code}: ${o.text.err}`);
  const files = readTarGz(readFileSync(file));
  const folder = [...files.keys()][0]?.split('/')[0] as string;
  const name = folder.replace(/_vnf$/, '');
  const descriptor = yaml.load(files.get(`${folder}/${name}_vnfd.yaml`)?.toString('utf8') ?? '') as OsmVnfdDocument;
  return { file, files, folder, name, descriptor, output: o.text.out };
}

/** Every broken reference of the descriptor, as text. */
function brokenReferences(doc: OsmVnfdDocument): string[] {
  const v = doc.vnfd;
  const bad: string[] = [];
  const ids = (xs: Array<{ id: string }> | undefined) => new Set((xs ?? []).map((x) => x.id));
  const compute = ids(v['virtual-compute-desc']);
  const storage = ids(v['virtual-storage-desc']);
  const images = ids(v['sw-image-desc']);
  const links = ids(v['int-virtual-link-desc']);
  const vdus = new Map(v.vdu.map((d) => [d.id, d]));
  const ext = ids(v['ext-cpd']);
  for (const d of v.vdu) {
    if (!compute.has(d['virtual-compute-desc'])) bad.push(`vdu ${d.id}: virtual-compute-desc`);
    for (const s of d['virtual-storage-desc'] ?? []) if (!storage.has(s)) bad.push(`vdu ${d.id}: storage ${s}`);
    if (d['sw-image-desc'] !== undefined && !images.has(d['sw-image-desc'])) bad.push(`vdu ${d.id}: sw-image-desc`);
    for (const c of d['int-cpd'])
      if (c['int-virtual-link-desc'] !== undefined && !links.has(c['int-virtual-link-desc']))
        bad.push(`vdu ${d.id} cpd ${c.id}: link`);
  }
  for (const e of v['ext-cpd']) {
    if ('int-cpd' in e) {
      const d = vdus.get(e['int-cpd']['vdu-id']);
      if (d === undefined || !d['int-cpd'].some((c) => c.id === e['int-cpd'].cpd)) bad.push(`ext-cpd ${e.id}: int-cpd`);
    } else if (!links.has(e['int-virtual-link-desc'])) bad.push(`ext-cpd ${e.id}: int-virtual-link-desc`);
  }
  if (v['mgmt-cp'] !== undefined && !ext.has(v['mgmt-cp'])) bad.push(`mgmt-cp ${v['mgmt-cp']} is no ext-cpd`);
  for (const df of v.df) {
    for (const p of df['vdu-profile']) if (!vdus.has(p.id)) bad.push(`df ${df.id}: vdu-profile ${p.id}`);
    const aspects = ids(df['scaling-aspect']);
    for (const l of df['instantiation-level']) {
      for (const x of l['vdu-level']) if (!vdus.has(x['vdu-id'])) bad.push(`level ${l.id}: vdu ${x['vdu-id']}`);
      for (const s of l['scaling-info'] ?? [])
        if (!aspects.has(s['scaling-aspect-id'])) bad.push(`level ${l.id}: aspect ${s['scaling-aspect-id']}`);
    }
    const levels = ids(df['instantiation-level']);
    const dl = df['default-instantiation-level'];
    if (dl !== undefined && !levels.has(dl)) bad.push(`df ${df.id}: default level ${dl}`);
    for (const a of df['scaling-aspect'] ?? [])
      for (const delta of a['aspect-delta-details'].deltas)
        for (const vd of delta['vdu-delta']) if (!vdus.has(vd.id)) bad.push(`aspect ${a.id}: vdu ${vd.id}`);
    for (const day of df['lcm-operations-configuration']?.['operate-vnf-op-config']['day1-2'] ?? []) {
      if (!vdus.has(day.id)) bad.push(`day1-2 ${day.id} is no vdu`);
      const envs = ids(day['execution-environment-list']);
      for (const e of day['execution-environment-list'])
        if (e['external-connection-point-ref'] !== undefined && !ext.has(e['external-connection-point-ref']))
          bad.push(`day1-2 ${day.id}: ${e.id} cp`);
      for (const p of [...day['initial-config-primitive'], ...(day['config-primitive'] ?? [])])
        if (!envs.has(p['execution-environment-ref'])) bad.push(`day1-2 ${day.id}: ${p.name} environment`);
    }
  }
  return bad;
}

describe('package build --target osm', () => {
  it.each(SAMPLES)('%s: an OSM package that our SOL006/OSM schema accepts, with no broken reference', async (s) => {
    const { files, folder, name, descriptor, output } = await build(s);
    expect(output).toContain(`OSM VNF package ${folder}/`);
    expect(folder).toBe(`${name}_vnf`);
    expect([...files.keys()].every((p) => p.startsWith(`${folder}/`))).toBe(true);
    expect(validate(descriptor) ? [] : validate.errors).toEqual([]);
    expect(brokenReferences(descriptor)).toEqual([]);
    expect(descriptor.vnfd.id).toBe(name);
  });

  it.each(['block-storage', 'broker', 'single-file'])(
    'the corpus VNFD %s (links, volumes, flavours, no Click): schema and references hold',
    async (c) => {
      const { descriptor, files } = await build(`../test/fixtures/vnfd-corpus/${c}`);
      expect(validate(descriptor) ? [] : validate.errors).toEqual([]);
      expect(brokenReferences(descriptor)).toEqual([]);
      // no Click configuration: no day 1, so no charm either
      expect([...files.keys()].some((p) => p.includes('/charms/'))).toBe(
        descriptor.vnfd.df[0]!['lcm-operations-configuration'] !== undefined,
      );
    },
  );

  it('refuses, plainly, a VNFD OSM cannot take: a VDU without CP, no external CP', async () => {
    const o = io();
    const dir = join(REPO, 'test/fixtures/vnfd-corpus/lcm-scripts');
    expect(await packageBuild(dir, join(out, 'l.tar.gz'), o, { target: 'osm' })).toBe(1);
    expect(o.text.err).toContain('VDU app has no VduCp');
    expect(o.text.err).toContain('no CP is external');
  });

  it.each(SAMPLES)('%s: checksums.txt has the MD5 of every other file', async (s) => {
    const { files, folder } = await build(s);
    const lines = files.get(`${folder}/checksums.txt`)?.toString('utf8').trimEnd().split('\n') ?? [];
    const listed = new Map(lines.map((l) => l.split('\t') as [string, string]).map(([h, p]) => [p, h]));
    expect([...listed.keys()].sort()).toEqual([...files.keys()].filter((p) => !p.endsWith('/checksums.txt')).sort());
    for (const [p, h] of listed)
      expect(
        createHash('md5')
          .update(files.get(p) as Buffer)
          .digest('hex'),
      ).toBe(h);
  });

  it('maps the Click VDU: SR-IOV data ports, hugepages, pinning, the Click configuration at day 0 and 1', async () => {
    const { files, folder, descriptor } = await build('firewall');
    const v = descriptor.vnfd;
    const click = readFileSync(join(REPO, 'vnfd/firewall/Files/click/firewall.click'), 'utf8');
    const vdu = v.vdu[0]!;
    const nics = vdu['int-cpd'].map((c) => [
      c.id,
      c['virtual-network-interface-requirement'][0]?.['virtual-interface'].type,
    ]);
    expect(nics).toEqual([
      ['mgmt_cp', 'VIRTIO'],
      ['data0_cp', 'SR-IOV'],
      ['data1_cp', 'SR-IOV'],
    ]);
    expect(v['mgmt-cp']).toBe('mgmt_cp-ext');
    expect(v['virtual-compute-desc'][0]).toEqual({
      id: 'click_vdu-compute',
      'virtual-cpu': { 'num-virtual-cpu': 2, pinning: { policy: 'static' } },
      'virtual-memory': { size: 0.5, 'mempage-size': 'LARGE' },
    });
    expect(v['sw-image-desc'][0]).toMatchObject({ id: 'click-on-osv', 'disk-format': 'qcow2', 'min-disk': 1 });
    const df = v.df[0]!;
    expect(df['scaling-aspect']?.[0]).toMatchObject({ id: 'click_aspect', 'max-scale-level': 2 });
    expect(df['instantiation-level'].map((l) => l['vdu-level'][0]?.['number-of-instances'])).toEqual([1, 2]);
    // day 0: OSv's cloud-init writes /func.click
    const init = files.get(`${folder}/cloud_init/${vdu['cloud-init-file']}`)?.toString('utf8') ?? '';
    expect((yaml.load(init) as { files: Record<string, string> }).files['/func.click']).toBe(click);
    // day 1: the charm's config (where the API is), then the configuration pushed and checked
    const day = df['lcm-operations-configuration']?.['operate-vnf-op-config']['day1-2'][0];
    expect(day?.['initial-config-primitive'].map((p) => p.name)).toEqual(['config', 'push-click-config']);
    const params = Object.fromEntries(day!['initial-config-primitive'][0]!.parameter!.map((p) => [p.name, p.value]));
    expect(params).toMatchObject({ host: '<rw_mgmt_ip>', dialect: 'click-plugin', 'api-port': '8000' });
    expect(day!['initial-config-primitive'][1]!.parameter![0]!.value).toBe(click);
    expect(files.has(`${folder}/charms/clickosv-proxy/metadata.yaml`)).toBe(true);
    expect(files.has(`${folder}/charms/clickosv-proxy/actions/push-click-config`)).toBe(true);
  });

  it('tells the osv-controlsocket dialect and its ControlSocket port to the charm', async () => {
    const { descriptor } = await build('nat');
    const day = descriptor.vnfd.df[0]!['lcm-operations-configuration']!['operate-vnf-op-config']['day1-2'][0]!;
    const params = Object.fromEntries(day['initial-config-primitive'][0]!.parameter!.map((p) => [p.name, p.value]));
    expect(params).toMatchObject({ dialect: 'osv-controlsocket', 'controlsocket-port': '8001' });
  });

  it('--no-charm: cloud-init only, no day-1 primitives and no charms/ folder', async () => {
    const { files, descriptor } = await build('forwarder', { target: 'osm', charm: false });
    expect(descriptor.vnfd.df[0]!['lcm-operations-configuration']).toBeUndefined();
    expect([...files.keys()].some((p) => p.includes('/charms/'))).toBe(false);
    expect(validate(descriptor)).toBe(true);
  });

  it("is a tar that GNU tar reads, the charm's hooks and actions executable", async () => {
    const { file, folder } = await build('forwarder');
    const r = spawnSync('tar', ['-tzvf', file], { encoding: 'utf8' });
    if (r.error !== undefined) return; // no tar on this machine
    expect(r.status).toBe(0);
    const mode = (p: string) =>
      r.stdout
        .split('\n')
        .find((l) => l.endsWith(` ${folder}/${p}`))
        ?.split(' ')[0];
    expect(mode('charms/clickosv-proxy/actions/push-click-config')).toBe('-rwxr-xr-x');
    expect(mode('charms/clickosv-proxy/hooks/install')).toBe('-rwxr-xr-x');
    expect(mode('forwarder_vnfd.yaml')).toBe('-rw-r--r--');
  });

  it('the schema refuses what OSM would: an unknown leaf, a wrong interface type, no ext-cpd', async () => {
    const { descriptor } = await build('forwarder');
    const copy = (): OsmVnfdDocument => JSON.parse(JSON.stringify(descriptor)) as OsmVnfdDocument;
    const a = copy();
    (a.vnfd.vdu[0] as Record<string, unknown>)['flavor'] = 'm1.small';
    const b = copy();
    b.vnfd.vdu[0]!['int-cpd'][1]!['virtual-network-interface-requirement'][0]!['virtual-interface'].type = 'SRIOV';
    const c = copy();
    c.vnfd['ext-cpd'] = [];
    for (const bad of [a, b, c]) expect(validate(bad)).toBe(false);
  });

  it('refuses --image and --etsi-types with --target osm', async () => {
    const o = io();
    const code = await packageBuild(join(REPO, 'vnfd/forwarder'), join(out, 'x.tar.gz'), o, {
      target: 'osm',
      etsiTypes: '/nonexistent',
    });
    expect(code).toBe(1);
    expect(o.text.err).toContain('--target osm');
  });
});
