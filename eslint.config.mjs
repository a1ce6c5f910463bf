import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

/**
 * The architecture's "never" arrows (docs/design.md, Components and dependency direction), enforced:
 * scripts/test/architecture.boundaries.test.ts proves each one fails lint.
 */
const ENGINE_NEVER = [
  { group: ['**/bot/**', '**/cards/**', '**/graph-simulator/**'], message: 'The engine never imports the bot, the cards or the simulator (docs/design.md).' },
  { group: ['botbuilder', 'botbuilder-*', 'botframework-*', '@microsoft/teams-ai'], message: 'The engine never imports botbuilder or teams-ai (docs/design.md).' },
];
const COSMOS_ONLY_IN_ADAPTER = { group: ['@azure/cosmos', '@azure/cosmos/*'], message: 'Only the Cosmos adapter (backup-engine/src/store/) imports @azure/cosmos.' };
const NO_SIMULATOR = { group: ['**/graph-simulator/**'], message: 'Only tests, benchmarks and scripts import the simulator; the bot reaches Graph through the engine.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['backup-engine/src/**/*.ts'],
    ignores: ['backup-engine/src/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_NEVER, COSMOS_ONLY_IN_ADAPTER] }] },
  },
  {
    files: ['backup-engine/src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ENGINE_NEVER }] },
  },
  {
    files: ['bot/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_SIMULATOR, COSMOS_ONLY_IN_ADAPTER] }] },
  },
  {
    files: ['cards/**/*.ts'],
    ignores: ['cards/test/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/backup-engine/**', '**/bot/**', '**/graph-simulator/**'], message: 'Cards import nothing from the engine, the bot or the simulator: they render view models (docs/design.md).' },
        COSMOS_ONLY_IN_ADAPTER,
      ] }],
    },
  },
  {
    files: ['graph-simulator/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/backup-engine/**', '**/bot/**', '**/cards/**'], message: 'The simulator is a fake Graph: it imports nothing of the product it is used to test.' },
        COSMOS_ONLY_IN_ADAPTER,
      ] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.spec.ts', '**/test/**/*.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'warn',
      'jest/valid-expect': 'error',
    },
  },
);
