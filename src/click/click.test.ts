import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkClick, exportGraph, parseClick, splitConfig, type ClickCheckResult } from '.';

function errors(r: ClickCheckResult): Array<[number, number, string]> {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.column, d.message]);
}
function only(r: ClickCheckResult): [number, number, string] {
  const e = errors(r);
  expect(e).toHaveLength(1);
  return e[0]!;
}

describe('Click language features', () => {
  it('declarations, several names at once, connections with ports, chains', () => {
    const r = checkClick('a, b :: Counter;\nsrc :: InfiniteSource -> a [0] -> [0] b -> Discard;\n', {
      file: 'x.click',
    });
    expect(errors(r)).toEqual([]);
    expect(exportGraph(r.graph!).edges).toEqual([
      { from: 'src', fromPort: 0, to: 'a', toPort: 0 },
      { from: 'a', fromPort: 0, to: 'b', toPort: 0 },
      { from: 'b', fromPort: 0, to: 'Discard@1', toPort: 0 },
    ]);
  });

  it('anonymous elements are named Class@N in order', () => {
    const r = checkClick('InfiniteSource -> Counter(x) -> Discard;');
    expect([...r.graph!.elements.keys()]).toEqual(['InfiniteSource@1', 'Counter@2', 'Discard@3']);
  });

  it('comments of both kinds, quoted strings with commas and parentheses in configs', () => {
    const r = checkClick(
      '// line\n/* block\n comment */ s :: InfiniteSource(DATA "a,b)c", LIMIT 2) // tail\n -> Discard;',
    );
    expect(errors(r)).toEqual([]);
    expect(r.graph!.elements.get('s')!.config).toBe('DATA "a,b)c", LIMIT 2');
  });

  it('splits configuration arguments like Click (commas at top level only)', () => {
    expect(splitConfig('12/0806, 12/0800 20/06, -')).toEqual(['12/0806', '12/0800 20/06', '-']);
    expect(splitConfig('pattern 1.2.3.4 1024-65535 - - 0 1, drop')).toEqual([
      'pattern 1.2.3.4 1024-65535 - - 0 1',
      'drop',
    ]);
    expect(splitConfig('f(a, b), "x, y", [1, 2]')).toEqual(['f(a, b)', '"x, y"', '[1, 2]']);
    expect(splitConfig('')).toEqual([]);
  });

  it('define() and $variables are substituted', () => {
    const r = checkClick('define($N 5, $D eth0);\nFromDevice($D) -> q :: Queue($N) -> ToDevice($D);');
    expect(errors(r)).toEqual([]);
    expect(r.graph!.elements.get('q')!.config).toBe('5');
  });

  it('require() of a known package passes, of an unknown one is an error at the require', () => {
    expect(errors(checkClick('require(dpdk);\nFromDPDKDevice(0) -> ToDPDKDevice(1);'))).toEqual([]);
    const [line, col, msg] = only(checkClick('\n  require(package "warp");\nIdle;'));
    expect([line, col]).toEqual([2, 3]);
    expect(msg).toMatch(/unknown requirement 'warp'/);
  });

  it('elementclass with formals, input/output pseudo-elements, flattened as outer/inner', () => {
    const text = [
      'elementclass Pipe { $n |',
      '  input -> c :: Counter -> q :: Queue($n) -> output;',
      '}',
      'src :: InfiniteSource -> p :: Pipe(64) -> ToDevice(eth1);',
    ].join('\n');
    const r = checkClick(text);
    expect(errors(r)).toEqual([]);
    expect([...r.graph!.elements.keys()].sort()).toEqual(['ToDevice@1', 'p/c', 'p/q', 'src']);
    expect(r.graph!.elements.get('p/q')!.config).toBe('64');
    expect(exportGraph(r.graph!).edges).toEqual(
      expect.arrayContaining([
        { from: 'src', fromPort: 0, to: 'p/c', toPort: 0 },
        { from: 'p/q', fromPort: 0, to: 'ToDevice@1', toPort: 0 },
      ]),
    );
  });

  it('compound ports with indexes, nested compounds and a pass-through', () => {
    const text = [
      'elementclass Inner { input -> Counter -> output }',
      'elementclass Outer { input [0] -> i :: Inner -> [0] output; input [1] -> [1] output }',
      'o :: Outer; s0 :: InfiniteSource -> [0] o [0] -> Discard; s1 :: InfiniteSource -> [1] o [1] -> d1 :: Discard;',
    ].join('\n');
    const r = checkClick(text);
    expect(errors(r)).toEqual([]);
    const edges = exportGraph(r.graph!).edges;
    expect(edges).toEqual(expect.arrayContaining([{ from: 's1', fromPort: 0, to: 'd1', toPort: 0 }]));
    expect(
      r.graph!.elements.has('o/i/Counter@1') || [...r.graph!.elements.keys()].some((k) => k.startsWith('o/i/Counter@')),
    ).toBe(true);
  });

  it('overloading with || and ... (inherit) chooses the alternative by argument count', () => {
    const text = [
      'elementclass Q { input -> Queue -> output }',
      'elementclass Q { ... || $n | input -> Queue($n) -> output }',
      'InfiniteSource -> a :: Q -> Discard; InfiniteSource -> b :: Q(9) -> Discard;',
    ].join('\n');
    const r = checkClick(text);
    expect(errors(r)).toEqual([]);
    const qs = [...r.graph!.elements.values()]
      .filter((e) => e.className === 'Queue')
      .map((e) => `${e.name}=${e.config}`);
    expect(qs.sort()).toEqual([expect.stringMatching(/^a\/Queue@\d+=$/), expect.stringMatching(/^b\/Queue@\d+=9$/)]);
    const [, , msg] = only(checkClick(text.replace('b :: Q(9)', 'b :: Q(1, 2)')));
    expect(msg).toMatch(/'Q' takes .* argument\(s\), but 'b' gives 2/);
  });

  it('elementclass synonyms', () => {
    expect(errors(checkClick('elementclass MyCounter Counter;\nInfiniteSource -> MyCounter -> Discard;'))).toEqual([]);
  });
});

describe('Click checks (each at its line and column)', () => {
  it.each([
    ['a syntax error', 'a :: Counter\n -> -> Discard;', [2, 5], /expected a name, found '->'/],
    ['an unterminated config', 'a :: Counter(\n', [1, 13], /no closing '\)'/],
    ['an unknown class', 'InfiniteSource -> x :: Fooo -> Discard;', [1, 24], /unknown element class 'Fooo'/],
    ['an undeclared element', 'InfiniteSource -> ctr -> Discard;', [1, 19], /undeclared element 'ctr'/],
    [
      'an output port out of range',
      'c :: Counter; InfiniteSource -> c; c [1] -> Discard; c -> Discard;',
      [1, 45],
      /'c' \(Counter\) has no output 1; it has 1 output/,
    ],
    ['an input port out of range', 'InfiniteSource -> [2] Discard;', [1, 19], /has no input 2/],
    [
      'a Classifier output beyond its patterns',
      'FromDevice(eth0) -> c :: Classifier(12/0800, -); c[0] -> Discard; c[1] -> Discard; c[2] -> Discard;',
      [1, 92],
      /no output 2; it has 2 outputs/,
    ],
    ['an unconnected input', 'q :: Queue -> ToDevice(eth0);', [1, 1], /input 0 of 'q' \(Queue\) is not connected/],
    [
      'an unconnected output',
      'c :: Classifier(12/0800, -); FromDevice(eth0) -> c; c[1] -> Discard;',
      [1, 1],
      /output 0 of 'c' \(Classifier\) is not connected/,
    ],
    [
      'push to pull without a Queue',
      'FromDevice(eth0) -> Counter -> ToDevice(eth1);',
      [1, 32],
      /push output 0 of 'Counter@2' \(Counter\) is connected to pull input 0 of 'ToDevice@3'.*Queue/,
    ],
    [
      'pull to push without an Unqueue',
      'q :: Queue; FromDevice(eth0) -> q; q -> Counter -> Strip(14) -> s :: Switch; s -> Discard;',
      [1, 65],
      /pull output 0 of 'Strip@\d+' \(Strip\) is connected to push input 0 of 's' \(Switch\).*Unqueue/,
    ],
    [
      'a duplicate declaration',
      'a :: Counter;\n b :: Counter;\n  a :: Queue;\nInfiniteSource -> a -> b -> Discard;',
      [3, 3],
      /redeclaration of element 'a' \(first declared at line 1, column 1\)/,
    ],
    [
      'push fan-out without a Tee',
      'FromDevice(eth0) -> c :: Counter; c -> Discard; c -> d :: Discard;',
      [1, 54],
      /push output 0 of 'c' is connected to more than one input; use a Tee/,
    ],
    ['a bad header UUID', '//VNF_HEADER\n//VNF_VERSION: 1.0\n//VNF_ID: not-a-uuid\n', [3, 11], /VNF_ID must be a UUID/],
  ])('%s', (_name, text, [line, column], message) => {
    const r = checkClick(text, { file: 'bad.click' });
    expect(r.ok).toBe(false);
    const hit = r.diagnostics.find((d) => d.severity === 'error' && message.test(d.message));
    expect(hit).toBeDefined();
    expect([hit!.line, hit!.column]).toEqual([line, column]);
    expect(hit!.file).toBe('bad.click');
  });

  it('the same configurations pass once fixed', () => {
    for (const good of [
      'FromDevice(eth0) -> Counter -> Queue -> ToDevice(eth1);',
      'q :: Queue; FromDevice(eth0) -> q; q -> Counter -> Unqueue -> s :: Switch; s -> Discard;',
      'FromDevice(eth0) -> c :: Counter -> t :: Tee; t[0] -> Discard; t[1] -> Discard;',
      'FromDevice(eth0) -> c :: Classifier(12/0800, -); c[0] -> Discard; c[1] -> Discard;',
      // a UDP reflector (bench/dataplane.ts): Socket is agnostic in, push out, one port each way
      's :: Socket(UDP, 0.0.0.0, 5000) -> c :: Counter -> s;',
    ]) {
      expect(errors(checkClick(good))).toEqual([]);
    }
  });

  it('warns about an unused element (and still passes)', () => {
    const r = checkClick('x :: Counter;\nInfiniteSource -> Discard;', { file: 'w.click' });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([
      { file: 'w.click', line: 1, column: 1, severity: 'warning', message: "element 'x' (Counter) is not used" },
    ]);
  });

  it('lists every error, not just the first', () => {
    const r = checkClick('a :: Fooo;\nb :: Barr;\nInfiniteSource -> a; InfiniteSource -> b;');
    expect(errors(r).map(([l, c]) => `${l}:${c}`)).toEqual(['1:6', '2:6']);
  });

  it('recovers after a syntax error and reports later ones too', () => {
    const { diagnostics } = parseClick('a :: ;\nb :: Counter(\n', 'r.click');
    expect(diagnostics.map((d) => `${d.line}:${d.column}`)).toEqual(['1:6', '2:13']);
  });
});

describe('the sample configurations in vnfd/', () => {
  const root = join(__dirname, '../../vnfd');
  const files = readdirSync(root).flatMap((pkg) => {
    const dir = join(root, pkg, 'Files/click');
    return readdirSync(dir).map((f) => join(dir, f));
  });
  it.each(files)('%s passes with a valid VNF header', (file) => {
    const r = checkClick(readFileSync(file, 'utf8'), { file, requireHeader: true });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.header?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect([...r.graph!.elements.values()].some((e) => e.className === 'Counter')).toBe(true);
  });
  it('covers the five packages', () => expect(files).toHaveLength(5));
});

describe("a ControlSocket on the agent's -p port", () => {
  const at = (text: string, ports?: number[]) =>
    checkClick(text, { file: 'c.click', warnings: false, ...(ports ? { agentControlPorts: ports } : {}) }).diagnostics;

  it('is an error at the element, naming the port and what Click would do', () => {
    const d = at('Idle -> Discard;\ncs :: ControlSocket(TCP, 8001);', [8001]);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: 'c.click', line: 2, column: 1, severity: 'error' });
    expect(d[0]?.message).toMatch(/^cs :: ControlSocket\(TCP, 8001\): the agent already starts Click with -p 8001/);
    expect(d[0]?.message).toMatch(/bind: Address in use/);
  });

  it('is no error on another port, with +, over UNIX, or when no agent port is given', () => {
    expect(at('ControlSocket(TCP, 9001);', [8001])).toEqual([]);
    expect(at('ControlSocket(TCP, 8001+);', [8001])).toEqual([]);
    expect(at('ControlSocket(UNIX, /tmp/click);', [8001])).toEqual([]);
    expect(at('ControlSocket(TCP, 8001);')).toEqual([]);
  });
});
