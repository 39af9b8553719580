import type { SourceDiagnostic } from '../errors';
import { Definitions } from './definitions';
import { functionOf, known, Resolver, Unknown } from './functions';
import { loadTypeLibrary } from './type-library';

const lib = loadTypeLibrary();
const TEXT = `tosca_definitions_version: tosca_simple_yaml_1_2
imports:
  - etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  inputs:
    net:
      type: map
      default: { cidr: 10.0.0.0/24, gateway: 10.0.0.1 }
    later:
      type: string
  node_templates:
    vdu:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: vm
    cp:
      type: tosca.nodes.nfv.VduCp
      properties:
        order: 3
      requirements:
        - virtual_binding: vdu
`;

function scope(): { r: Resolver; out: SourceDiagnostic[] } {
  const out: SourceDiagnostic[] = [];
  const defs = new Definitions(new Map(), lib, out);
  const file = defs.load('Definitions/t.yaml', TEXT, false)!;
  const tt = file.doc['topology_template'] as Record<string, Record<string, unknown>>;
  const r = new Resolver({ defs, file, nodes: tt['node_templates']!, inputs: tt['inputs']!, inputValues: {}, out });
  return { r, out };
}
const at = ['topology_template', 'node_templates', 'cp', 'properties', 'x'];

describe('TOSCA functions', () => {
  it('only a one-key mapping named after a function is a function', () => {
    expect(functionOf({ get_input: 'a' })).toEqual(['get_input', 'a']);
    expect(functionOf({ get_input: 'a', other: 1 })).toBeUndefined();
    expect(functionOf({ get_inputs: 'a' })).toBeUndefined();
    expect(functionOf(['get_input'])).toBeUndefined();
  });

  it('resolves nested input values, requirement hops and string functions', () => {
    const { r, out } = scope();
    expect(r.at(at, { get_input: ['net', 'gateway'] }, 'cp')).toBe('10.0.0.1');
    expect(r.at([...at, 'a'], { get_property: ['cp', 'virtual_binding', 'name'] }, 'cp')).toBe('vm');
    expect(r.at([...at, 'b'], { get_property: ['SELF', 'order'] }, 'cp')).toBe(3);
    expect(r.at([...at, 'c'], { join: [[{ get_property: ['vdu', 'name'] }, 'x', 1], '/'] })).toBe('vm/x/1');
    expect(r.at([...at, 'd'], { token: [{ get_input: ['net', 'cidr'] }, './', 4] })).toBe('24');
    expect(out).toEqual([]);
  });

  it('what is known at deployment only is unknown, without an error', () => {
    const { r, out } = scope();
    expect(r.at(at, { get_input: 'later' })).toBeInstanceOf(Unknown);
    expect(r.at([...at, 'a'], { get_attribute: ['vdu', 'address'] })).toBeInstanceOf(Unknown);
    expect(r.at([...at, 'b'], { get_property: ['TARGET', 'name'] })).toBeInstanceOf(Unknown);
    expect(r.at([...at, 'c'], { concat: ['a', { get_input: 'later' }] })).toBeInstanceOf(Unknown);
    expect(r.at([...at, 'd'], { get_property: ['vdu', 'boot_data'] })).toBeInstanceOf(Unknown);
    expect(known({ a: 1, b: new Unknown('x'), c: [new Unknown('y'), 2] })).toEqual({ a: 1, c: [2] });
    expect(out).toEqual([]);
  });

  it('malformed or dangling functions are errors at the value', () => {
    const { r, out } = scope();
    r.at(at, { get_property: ['vdu'] });
    r.at([...at, 'a'], { get_attribute: ['nowhere', 'address'] });
    r.at([...at, 'b'], { token: ['a-b', '-', 5] });
    r.at([...at, 'c'], { concat: ['a', { x: 1, y: 2 }] });
    r.at([...at, 'd'], { get_input: ['net', 'mask'] });
    expect(out.map((d) => d.message)).toEqual([
      'get_property needs [node, property, ...] (node: a template name, SELF, SOURCE or TARGET)',
      "get_attribute: no node template 'nowhere' in this topology_template",
      "token: no token 5 in 'a-b'",
      'concat, join and token take strings (or numbers)',
      "no 'mask' in the value of input 'net'",
    ]);
    expect(out.every((d) => d.file === 'Definitions/t.yaml' && d.line === 18)).toBe(true);
  });
});
