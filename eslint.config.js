import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier';

/** An import of `layer` by alias (`@/api/…`) or by a relative path that climbs into it (`../../api/…`). */
const layer = (name) => `^(@/|(\\.\\./)+(src/)?)${name}(/|$)`;

const LAYERS = [
  {
    files: ['src/api/**'],
    forbidden: ['workers', 'runtime', 'lambda', 'cli'],
    why: 'api/ holds routes, schemas and plugins: it calls services',
  },
  {
    files: ['src/services/**'],
    forbidden: ['api', 'workers', 'runtime', 'lambda', 'cli'],
    why: 'services own the use cases and never depend on HTTP or on queue consumers',
  },
  { files: ['src/workers/**'], forbidden: ['api', 'runtime', 'lambda', 'cli'], why: 'workers are thin consumers that call services' },
  {
    files: ['src/pdf/**'],
    forbidden: ['api', 'services', 'workers', 'runtime', 'lambda', 'cli', 'shared/database', 'shared/storage', 'shared/queue'],
    why: 'the PDF engine works on bytes and domain types only',
  },
  {
    files: ['src/shared/**'],
    forbidden: ['api', 'services', 'workers', 'pdf', 'runtime', 'lambda', 'cli'],
    why: 'shared/ is the bottom layer',
  },
];

function layerRules() {
  return LAYERS.map(({ files, forbidden, why }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbidden.map((name) => ({ regex: layer(name), message: `${name}/ is off limits here: ${why}.` })) },
      ],
    },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.data/',
      '.test-data/',
      'src/generated/',
      'web/dist/',
      'coverage/',
      'test-artifacts/',
      '.serverless/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The layer map (README "Where each part lives"): api -> services -> {pdf, shared}; workers ->
  // services; runtime, lambda and cli compose everything. Each block lists what a layer may NOT import.
  ...layerRules(),
  // Formatting is Prettier's job (`npm run format`, checked by `npm run lint`); this turns off the rules that would fight it.
  prettierConfig,
);
