/**
 * The topology templates of a VNFD and its deployment flavours. A single-file VNFD is one topology that is
 * its one flavour. The common multi-file layout (SOL001 6.2, Tacker's packages) is a top VNFD whose VNF node
 * takes `flavour_id: {get_input: selected_flavour}` and which imports one file per flavour, each with its own
 * topology_template, `substitution_mappings.properties.flavour_id` and inputs fed from the top VNF's properties.
 * Every topology's functions are resolved (functions.ts) before anything is checked or read.
 */
import type { SourceDiagnostic } from '../errors';
import type { Definitions, LoadedFile } from './definitions';
import { known, Resolver, Unknown } from './functions';
import { checkProperties } from './node-checks';
import { locate } from './yaml';
import { obj, str, type Obj } from './vnfd-context';

const VNF = 'tosca.nodes.nfv.VNF';

/** One topology template, its functions resolved. */
export interface Topology {
  file: LoadedFile;
  /** Node templates with resolved properties (unknown values kept: what the type checks see). */
  checked: Obj;
  /** Node templates with the known values only (what the model readers see). */
  nodes: Obj;
  /** The policies list, each policy's properties resolved to known values. */
  policies: unknown[];
  /** The VNF node's name in this topology, when it has one. */
  vnfName?: string;
  /** The VNF's properties as the flavour sees them: type defaults, the top VNF's, this topology's. */
  vnfProps: Obj;
  /** The flavour this topology describes; undefined for a top VNFD that only selects one. */
  flavourId?: string;
}

/**
 * The entry's topology and every imported package file's topology, resolved; the flavours among them. A
 * problem (two VNF nodes in one topology, an imported topology without a flavour id) is a diagnostic.
 */
export function readTopologies(defs: Definitions, entry: LoadedFile, out: SourceDiagnostic[]): Topology[] {
  const top = resolveTopology(defs, entry, undefined, out);
  const topVnf: Obj = top.vnfName !== undefined ? obj(top.nodes[top.vnfName]) : {};
  const topProps = { ...typeDefaults(defs, str(topVnf['type'])), ...obj(topVnf['properties']) };
  const hasVdu = Object.values(top.nodes).some((n) => defs.derives(str(obj(n)['type']), 'tosca.nodes.nfv.Vdu.Compute'));
  if (top.flavourId === undefined && hasVdu) top.flavourId = str(topProps['flavour_id']) ?? '';
  const result = [top];
  for (const file of defs.files) {
    if (file === entry || file.fromLibrary || obj(file.doc)['topology_template'] === undefined) continue;
    const t = resolveTopology(defs, file, topProps, out);
    if (t.flavourId === undefined)
      out.push({
        file: file.path,
        ...locate(file.text, ['topology_template']),
        severity: 'warning',
        message:
          'this topology_template has no flavour_id (substitution_mappings.properties.flavour_id or the VNF ' +
          "node's flavour_id): it is not read as a deployment flavour",
      });
    result.push(t);
  }
  for (const t of result) checkNodes(defs, t, out);
  return result;
}

/** A topology with its functions resolved; a flavour topology's inputs take the top VNF's property values. */
function resolveTopology(defs: Definitions, file: LoadedFile, top: Obj | undefined, out: SourceDiagnostic[]): Topology {
  const fromTop = top ?? {};
  const isTop = top === undefined;
  const tt = obj(file.doc['topology_template']);
  const raw = obj(tt['node_templates']);
  const inputs = obj(tt['inputs']);
  const vnfs = Object.keys(raw).filter((n) => defs.derives(str(obj(raw[n])['type']), VNF));
  const vnfName = vnfs[0];
  const mapped = str(obj(obj(tt['substitution_mappings'])['properties'])['flavour_id']);
  checkInputDefaults(file, inputs, out);
  const inputValues: Obj = {};
  for (const name of Object.keys(inputs)) {
    if (name === 'flavour_id' && mapped !== undefined) inputValues[name] = mapped;
    else if (!isTop && Object.hasOwn(fromTop, name)) inputValues[name] = fromTop[name];
  }
  const r = new Resolver({
    defs,
    file,
    nodes: raw,
    inputs,
    inputValues,
    ...(vnfName !== undefined && !isTop ? { extraProps: { [vnfName]: fromTop } } : {}),
    out,
  });
  const checked: Obj = {};
  for (const [name, n] of Object.entries(raw)) {
    const node = obj(n);
    const base = ['topology_template', 'node_templates', name];
    const props = Object.fromEntries(
      Object.entries(obj(node['properties'])).map(([k, v]) => [k, r.at([...base, 'properties', k], v, name)]),
    );
    const caps = Object.fromEntries(
      Object.entries(obj(node['capabilities'])).map(([c, cap]) => {
        const cp = Object.entries(obj(obj(cap)['properties'])).map(([k, v]) => [
          k,
          r.at([...base, 'capabilities', c, 'properties', k], v, name),
        ]);
        return [c, { ...obj(cap), properties: Object.fromEntries(cp) }];
      }),
    );
    checked[name] = {
      ...node,
      ...(node['properties'] !== undefined ? { properties: props } : {}),
      ...(node['capabilities'] !== undefined ? { capabilities: caps } : {}),
    };
  }
  const list = tt['policies'];
  const policies = (Array.isArray(list) ? list : []).map((item, i) =>
    Object.fromEntries(
      Object.entries(obj(item)).map(([name, p]) => {
        const props = r.at(['topology_template', 'policies', i, name, 'properties'], obj(p)['properties']);
        return [name, { ...obj(p), properties: known(props) }];
      }),
    ),
  );
  if (vnfs.length > 1)
    out.push({
      file: file.path,
      ...locate(file.text, ['topology_template', 'node_templates', vnfs[1] as string]),
      severity: 'error',
      message: `a topology_template must have at most one node derived from ${VNF}, it has ${vnfs.length}`,
    });
  const own = vnfName !== undefined ? obj(checked[vnfName]) : {};
  const vnfProps = obj(known({ ...fromTop, ...obj(own['properties']) }));
  if (mapped !== undefined) vnfProps['flavour_id'] = mapped;
  // a flavour's VNF node is checked with what the top VNF gives it (already checked there)
  if (vnfName !== undefined && !isTop) {
    const fromTopUnchecked = Object.fromEntries(Object.keys(fromTop).map((k) => [k, new Unknown('from the top VNF')]));
    const props = { ...fromTopUnchecked, ...obj(own['properties']) };
    if (mapped !== undefined && !Object.hasOwn(obj(own['properties']), 'flavour_id')) props['flavour_id'] = mapped;
    checked[vnfName] = { ...own, properties: props };
  }
  const flavourId = mapped ?? str(vnfProps['flavour_id']);
  return {
    file,
    checked,
    nodes: obj(known(checked)),
    policies,
    ...(vnfName !== undefined ? { vnfName } : {}),
    vnfProps,
    ...(flavourId !== undefined ? { flavourId } : {}),
  };
}

/** Every node template: a known type, and properties that fit it (unknown values accepted). */
function checkNodes(defs: Definitions, t: Topology, out: SourceDiagnostic[]): void {
  for (const [name, n] of Object.entries(t.checked)) {
    const path = ['topology_template', 'node_templates', name];
    const type = str(obj(n)['type']);
    const at = (p: (string | number)[]): { line: number; column: number } => locate(t.file.text, p);
    if (type === undefined)
      out.push({ file: t.file.path, ...at(path), severity: 'error', message: `node template '${name}' has no type` });
    else if (!defs.isKnownType(type))
      out.push({
        file: t.file.path,
        ...at([...path, 'type']),
        severity: 'error',
        message: `unknown node type '${type}' (not defined in any imported file)`,
      });
    else checkProperties(defs, t.file, path, type, obj(n)['properties'] as Obj | undefined, out);
  }
}

const FITS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  list: (v) => Array.isArray(v),
  map: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
};

/** An input's default must be of the input's own (primitive, list or map) type. */
function checkInputDefaults(file: LoadedFile, inputs: Obj, out: SourceDiagnostic[]): void {
  for (const [name, def] of Object.entries(inputs)) {
    const type = str(obj(def)['type']);
    const value = obj(def)['default'];
    const fits = type !== undefined ? FITS[type] : undefined;
    if (value === undefined || fits === undefined || fits(value)) continue;
    out.push({
      file: file.path,
      ...locate(file.text, ['topology_template', 'inputs', name, 'default']),
      severity: 'error',
      message: `input '${name}' is of type ${type ?? ''}, its default is ${JSON.stringify(value)}`,
    });
  }
}

/** The defaults a node type's property definitions give. */
function typeDefaults(defs: Definitions, type: string | undefined): Obj {
  if (type === undefined) return {};
  return Object.fromEntries(
    Object.entries(defs.properties(type))
      .filter(([, d]) => d.default !== undefined)
      .map(([k, d]) => [k, d.default]),
  );
}
