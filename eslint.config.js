// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports a layer may not make: each pattern names the layers above it (or beside it). */
const forbid = (message, ...group) => ({ 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] });

const ADAPTERS = ['alilive', 'http', 'socket', 'store', 'admission'];
/** An adapter may use the shared adapter files (`src/adapters/*.ts`), never another adapter's folder. */
const adapterRules = ADAPTERS.map((name) => ({
  files: [`src/adapters/${name}/**/*.ts`],
  rules: forbid(
    'An adapter does not import another adapter: go through a port (src/app/ports.ts) or the protocol.',
    ...ADAPTERS.filter((other) => other !== name).flatMap((other) => [
      `**/adapters/${other}/**`,
      `../${other}/**`,
      `../../${other}/**`,
    ]),
    '**/compose/**',
    '**/server.js',
  ),
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'coverage/**', 'test/.artifacts/**', 'test/.tmp-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // A `default` that handles the rest on purpose counts: the check is for switches that forgot a case.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Ports are object literals of closures, never classes: passing `repo.load` on has no `this` to lose.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // An async function without await still returns a promise, which is what an interface asked for.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  // The core is pure: it imports nothing outside itself (no I/O, no clock, no packages).
  {
    files: ['src/core/**/*.ts'],
    rules: forbid(
      'src/core is pure: it imports nothing outside src/core.',
      '../app/**',
      '../../app/**',
      '**/adapters/**',
      '**/compose/**',
      '**/config/**',
      '**/observability/**',
      '**/protocol/**',
      '**/client/**',
      'node:*',
      'zod',
      'express',
      'socket.io*',
      'ioredis',
      'pino',
      '@*/**',
    ),
  },
  // The app layer drives the core through ports: no adapter, no composition.
  {
    files: ['src/app/**/*.ts'],
    rules: forbid(
      'src/app talks to the outside through ports (src/app/ports.ts), never an adapter.',
      '**/adapters/**',
      '**/compose/**',
      '**/server.js',
      '**/main.js',
    ),
  },
  // The protocol is the wire contract: types and schemas over the core's, nothing of the server's insides.
  {
    files: ['src/protocol/**/*.ts'],
    rules: forbid(
      'src/protocol depends on the core and zod only.',
      '**/app/**',
      '**/adapters/**',
      '**/compose/**',
      '**/observability/**',
      '**/client/**',
    ),
  },
  // Config is the keys and their rules: it knows the core's types, nothing that runs.
  {
    files: ['src/config/**/*.ts'],
    rules: forbid(
      'src/config imports the core only; what needs an adapter is worked out in src/compose.',
      '**/app/**',
      '**/adapters/**',
      '**/compose/**',
      '**/observability/**',
      '**/client/**',
    ),
  },
  // The typed client ships to apps: the protocol only.
  {
    files: ['src/client/**/*.ts'],
    rules: forbid(
      'src/client imports the protocol only (it ships to apps).',
      '**/core/**',
      '**/app/**',
      '**/adapters/**',
      '**/compose/**',
      '**/config/**',
    ),
  },
  ...adapterRules,
  // Tests, benches and examples: the type-aware rules that catch real mistakes, not the strict style ones.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
