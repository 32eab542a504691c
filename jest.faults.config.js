// `npm run test:faults`: the fault suite (tests/faults/), not part of `npm test`. Its global setup
// starts a private 3-broker stack (tests/faults/harness/stack.ts) and its teardown stops it.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
module.exports = {
  displayName: 'faults',
  testMatch: ['<rootDir>/tests/faults/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/faults/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/faults/globalTeardown.ts',
  transform,
  testEnvironment: 'node',
  testTimeout: 300_000,
  slowTestThreshold: 60,
};
