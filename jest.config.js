// Four projects. `npm test` clears pacts/ (pact files merge across runs), runs the `consumer` project (the
// pact writers) alone, then `unit`, `resilience` and `provider` in one jest run: the provider suites read the
// pacts the consumer suites wrote, and the resilience matrix, a test of clients that writes no pact, is the
// longest file, ~27 s of mostly waiting for ~5 s of CPU, so it runs beside the unit and provider files instead
// of ending a run alone. Five workers on 2 cores, because the longest files mostly wait on sockets and timers
// (the matrix, the unit matrix ~9 s for ~2 s, each full verification's 504 deadlines) and hold a worker each
// meanwhile: with three workers and the provider project in a run of its own, the cores were idle a fifth of
// the time (docs/development.md, "Test layout").
const base = {
  testEnvironment: 'node',
  // tsc's own emit of a file when it is of the file's current text (`tsc -b` runs before jest), else ts-jest
  // behind a key that is the same in every project, so a file is transpiled once per machine, not once per
  // project (test-support/ts-transform.js says why; docs/development.md has the numbers).
  transform: { '^.+\\.ts$': ['<rootDir>/test-support/ts-transform.js', { tsconfig: 'tsconfig.json' }] },
  // pact-js requires ramda's index, 367 modules that jest evaluates one by one in every test file that
  // loads pact (about 0.1 s each); ramda's own single-file build of the same version is the same library.
  moduleNameMapper: { '^ramda$': '<rootDir>/node_modules/ramda/dist/ramda.js' },
  // Modules compiled so V8 shares their code between the test files of a worker (test-support/jest-runtime.js).
  runtime: '<rootDir>/test-support/jest-runtime.js',
};

module.exports = {
  // jest's 5 s default is a speed assertion a loaded 2-core machine fails for tests that do real work
  // (pact mock servers, child processes). This bounds a hang; it is not a speed target (those live in bench/).
  testTimeout: 60_000,
  // Each run's temp files go to a directory of its own, and the run fails when a test leaves one there.
  globalSetup: '<rootDir>/test-support/temp-setup.js',
  globalTeardown: '<rootDir>/test-support/temp-teardown.js',
  // Long files first even without jest's cache of earlier runs, as on CI's clean clone (test-support/sequencer.js).
  testSequencer: '<rootDir>/test-support/sequencer.js',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test-support/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'] },
    // The pact writers; `npm run pacts` runs this project alone (src/cli/pact-sources.ts reads what it leaves out).
    { ...base, displayName: 'consumer', testMatch: ['<rootDir>/consumer-tests/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/consumer-tests/resilience-matrix\\.test\\.ts$'] },
    { ...base, displayName: 'resilience', testMatch: ['<rootDir>/consumer-tests/resilience-matrix.test.ts'] },
    { ...base, displayName: 'provider', testMatch: ['<rootDir>/provider-tests/**/*.test.ts'] },
  ],
};
