/**
 * The layers of Sluice and the directions imports may go, checked by
 * `npm run lint` (dependency-cruiser). From the bottom:
 *
 *   src-shared/contract   the contract: channels, schemas, errors, events
 *   src-shared/*          pure helpers the Node side shares (logger, redaction,
 *                         JSON syntax errors, a PostgreSQL transaction)
 *   src-main/core         the core: pure Node, no host, no UI
 *   src-main/* (not core) hosts: Electron shell and IPC, the browser bridge
 *   src-preload           the Electron preload
 *   src-renderer          the React app: sees only the contract
 *   sandbox               the local pipeline: sees only the shared layer
 *   test, scripts         may import anything above; nothing imports them
 *
 * test/unit/layers/boundaries.test.ts proves that a wrong-direction import
 * fails this check, with these very rules.
 */
const PRODUCT = '^(src-shared|src-main|src-preload|src-renderer|sandbox)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-cycles',
      severity: 'error',
      comment: 'A cycle makes load order matter and hides which module owns what.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'imports-resolve',
      severity: 'error',
      comment:
        'An import the checker cannot resolve (a broken @shared alias, say) is checked by no rule.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'shared-is-the-bottom-layer',
      severity: 'error',
      comment: 'src-shared is imported by every layer, so it imports none of them.',
      from: { path: '^src-shared/' },
      to: { path: '^(src-main|src-preload|src-renderer|sandbox|test|scripts)/' },
    },
    {
      name: 'contract-imports-only-the-contract',
      severity: 'error',
      comment: 'The renderer bundles the contract; it must not pull Node-side helpers in.',
      from: { path: '^src-shared/contract/' },
      to: { path: '^src-shared/', pathNot: '^src-shared/contract/' },
    },
    {
      name: 'core-does-not-know-its-hosts',
      severity: 'error',
      comment:
        'The core runs under Electron, the browser bridge and tests alike; hosts depend on it, never the reverse.',
      from: { path: '^src-main/core/' },
      to: { path: '^(src-main/(?!core/)|src-preload/|src-renderer/|sandbox/)' },
    },
    {
      name: 'hosts-do-not-reach-into-ui-or-sandbox',
      severity: 'error',
      from: { path: '^src-main/', pathNot: '^src-main/core/' },
      to: { path: '^(src-preload|src-renderer|sandbox)/' },
    },
    {
      name: 'preload-sees-only-the-contract',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { path: '^(src-main/|src-renderer/|sandbox/|src-shared/(?!contract/))' },
    },
    {
      name: 'renderer-sees-only-the-contract',
      severity: 'error',
      comment: 'The renderer talks to the core through the SluiceApi only.',
      from: { path: '^src-renderer/' },
      to: { path: '^(src-main/|src-preload/|sandbox/|src-shared/(?!contract/))' },
    },
    {
      name: 'sandbox-sees-only-the-shared-layer',
      severity: 'error',
      comment:
        'The sandbox stands in for the pipeline Sluice watches; it runs Sluice only as a process (src-main/serve.ts), never by import.',
      from: { path: '^sandbox/' },
      to: { path: '^(src-main|src-preload|src-renderer)/' },
    },
    {
      name: 'nothing-imports-tests-or-scripts',
      severity: 'error',
      from: { path: PRODUCT },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|node_modules|test-results|playwright-report|coverage)/' },
    tsConfig: { fileName: 'tsconfig.node.json' },
    // Type-only imports count: a cycle through types is still a cycle a reader has to untangle.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
