// Three projects, run as separate steps by `npm test`: unit tests first, then the consumer suites
// (which write pacts/), then the provider suites (which read them). Pact files merge across runs,
// so `npm run pacts` clears pacts/ before the consumer step.
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts'] },
    { ...base, displayName: 'consumer', testMatch: ['<rootDir>/consumer-tests/**/*.test.ts'] },
    { ...base, displayName: 'provider', testMatch: ['<rootDir>/provider-tests/**/*.test.ts'] },
  ],
};
