/**
 * The layering of docs/architecture.md: api -> lcm -> ports <- adapters, and no cycles.
 * Only the composition roots (src/main.ts, src/composition/, src/cli/) may import adapters and wire them together.
 */
const ADAPTERS = '^src/(store|queue|openstack|agent|emulator|notify|nfvo|metrics)/';
const PURE = '^src/(domain|errors|click|tosca)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'cycles through type-only imports are harmless (no runtime dependency)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'domain-imports-nothing',
      comment: 'src/domain holds SOL003 types and pure functions; it imports nothing of the project but itself.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'pure-libraries-stay-pure',
      comment:
        'errors, click and tosca are pure: they may use domain, errors and each other (tosca uses click), ' +
        'nothing else.',
      severity: 'error',
      from: { path: '^src/(errors|click|tosca)/' },
      to: { path: '^src/', pathNot: PURE },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'ports name what lcm needs; they depend on domain, errors and pure models only.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/', pathNot: `${PURE}|^src/ports/` },
    },
    {
      name: 'net-is-a-leaf',
      comment:
        'src/net holds small local-network helpers (free TCP ports) shared by adapters and tests; ' +
        'it imports nothing of the project.',
      severity: 'error',
      from: { path: '^src/net/' },
      to: { path: '^src/', pathNot: '^src/net/' },
    },
    {
      name: 'lcm-uses-ports-not-adapters',
      severity: 'error',
      from: { path: '^src/lcm/' },
      to: { path: `${ADAPTERS}|^src/(api|cli|web|config|composition)/|^src/main\\.ts$` },
    },
    {
      name: 'api-uses-lcm-not-adapters',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: `${ADAPTERS}|^src/(cli|composition)/|^src/main\\.ts$` },
    },
    {
      name: 'adapters-do-not-reach-up',
      comment: 'adapters implement ports; they never import api, lcm or the composition roots.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^src/(api|lcm|cli|web|composition)/|^src/main\\.ts$' },
    },
    {
      name: 'adapters-are-independent',
      comment: 'one adapter does not reach into another (the emulator may reuse the agent only through ports).',
      severity: 'error',
      from: { path: '^src/(store|queue|openstack|agent|notify|nfvo|metrics)/' },
      to: { path: ADAPTERS, pathNot: '^src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^src/web/client/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
