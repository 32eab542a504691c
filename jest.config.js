// Two projects: unit tests need nothing running; integration tests talk to the real
// Kafka, Redis and ZooKeeper that `npm run stack:up` starts (scripts/test.js brings them up).
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
module.exports = {
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/integration/globalSetup.js',
      setupFilesAfterEnv: ['<rootDir>/tests/integration/setupAfterEnv.ts'],
      transform,
      testEnvironment: 'node',
      slowTestThreshold: 30,
    },
  ],
};
