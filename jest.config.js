/** Tests run on the TypeScript sources (ts-jest); end-to-end tests spawn the built CLI in dist/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: a stray compiled .js next to a source must never shadow it.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false, ignoreCodes: [151002] } }],
  },
  // @inquirer/* and the text-width packages @inquirer/core uses ship ESM only: let ts-jest compile them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@inquirer|fast-wrap-ansi|fast-string-width|fast-string-truncated-width)/)'],
  testTimeout: 60000,
  // One scratch folder per run (TMPDIR), removed at the end: test/global/setup.ts.
  globalSetup: '<rootDir>/test/global/setup.ts',
  globalTeardown: '<rootDir>/test/global/teardown.ts',
};
