/** Tests run on the TypeScript sources (ts-jest); end-to-end tests spawn the built CLI in dist/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }],
  },
  // @inquirer/* ships ESM only: let ts-jest compile it to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@inquirer)/)'],
  testTimeout: 60000,
};
