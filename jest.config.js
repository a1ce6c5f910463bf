/** Tests are type-checked by `npm run typecheck`; ts-jest only transpiles, which keeps the suite fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/graph-simulator', '<rootDir>/backup-engine', '<rootDir>/bot', '<rootDir>/cards', '<rootDir>/scripts', '<rootDir>/infra', '<rootDir>/appPackage', '<rootDir>/bench'].filter((p) =>
    require('node:fs').existsSync(p.replace('<rootDir>', __dirname)),
  ),
  testMatch: ['**/*.test.ts', '**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 30000,
};
