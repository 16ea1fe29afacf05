import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Constructions of a driver client: new Redis/Cluster/Kafka/Pool/Client, bare or qualified (pg.Pool). */
const CLIENT_CONSTRUCTIONS = [
  "NewExpression[callee.type='Identifier'][callee.name=/^(Redis|Cluster|Kafka|Pool|Client)$/]",
  "NewExpression[callee.type='MemberExpression'][callee.property.name=/^(Redis|Cluster|Kafka|Pool|Client)$/]",
  // kafkajs's Cluster class is loaded with require() (it is not a public export).
  "CallExpression[callee.name='require'][arguments.0.value='kafkajs/src/cluster']",
];

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Payloads are untrusted: HTML injection is never allowed in the renderer.
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Never render HTML: payloads and runbooks are untrusted.',
        },
        {
          selector: "MemberExpression[property.name='innerHTML']",
          message: 'Never assign innerHTML: payloads are untrusted.',
        },
      ],
    },
  },
  {
    // The core must stay free of Electron so it runs under Node, vitest and browser mode.
    files: [
      'src-main/core/**/*.ts',
      'src-main/serve.ts',
      'src-main/bridge/**/*.ts',
      'sandbox/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'core code must not import electron; go through Host.' },
          ],
        },
      ],
    },
  },
  {
    // One owner per connection: every ioredis, node-postgres and kafkajs client
    // of the app is built in src-main/core/clients/, where purpose decides its
    // timeouts, retries and name on the server, and the factory closes an
    // environment's clients when it changes. The sandbox (standing in for the
    // pipeline's own services) and the tests build their own clients.
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/core/clients/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...CLIENT_CONSTRUCTIONS.map((selector) => ({
          selector,
          message:
            'Build server clients through src-main/core/clients/ (one owner per connection).',
        })),
      ],
    },
  },
  prettier,
);
