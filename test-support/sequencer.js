// jest's test sequencer, with what it lacks on a clean machine: how long each file takes.
//
// jest runs the files it knows to be long first, so no worker is left alone with a long file at the end
// of the run. It knows from its own cache of earlier runs (perf-cache-* in its cache directory); without
// one, as on CI's clean clone, it orders the files by their size in bytes. Size says little here: the
// provider phase's longest file, verify-reference.test.ts, is its smallest, so it started last and ran
// alone at the end (docs/development.md, "Where `npm test` spends its time", has the timeline). This
// sequencer takes each file's time from jest's cache when there is one, else from ESTIMATES below (wall
// seconds of one file on the 2-core reference machine, from cold runs through the per-file profiler), and
// runs the longest first; files with neither come after, by size, as jest would. Only the order changes:
// the same files run, with the same workers.
//
// A new file that takes more than a few seconds belongs in ESTIMATES (a file listed here that no longer
// exists fails test-support/sequencer.test.ts).
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

/** Wall seconds per test file (relative to the project root), 16:00-16:30 UTC 2026-12-04, load 2-7. */
const ESTIMATES = {
  'consumer-tests/resilience-matrix.test.ts': 34.2,
  'src/matrix/matrix.test.ts': 21.0,
  'provider-tests/mutation.test.ts': 20.0,
  'src/broker/broker.test.ts': 16.7,
  'provider-tests/broker-flow.test.ts': 15.5,
  'src/service/fuzz.test.ts': 15.5,
  'provider-tests/verify-reference.test.ts': 13.0,
  'provider-tests/verify-scale.test.ts': 10.7,
  'src/probe/faults.test.ts': 9.8,
  'src/api-report.test.ts': 9.3,
  'provider-tests/openapi-bdct.test.ts': 8.3,
  'src/matchers/pact.test.ts': 8.2,
  'provider-tests/report-browser.test.ts': 7.8,
  'provider-tests/verify-https.test.ts': 7.4,
  'consumer-tests/jpush-v3.test.ts': 7.1,
  'src/verifier/native.test.ts': 7.1,
  'src/service/statuses.test.ts': 6.6,
  'src/openapi/export.test.ts': 6.4,
  'consumer-tests/mtpush-v4.test.ts': 6.1,
  'src/contracts/generated.test.ts': 5.9,
  'provider-tests/verify-cli.test.ts': 5.6,
  'src/service/reliability.test.ts': 5.6,
  'src/contracts/meta-validators.test.ts': 4.9,
  'provider-tests/credentials.test.ts': 4.7,
  'src/openapi/lint/lint.test.ts': 4.5,
  'src/report/report.test.ts': 4.5,
  'src/credentials.test.ts': 3.8,
  'provider-tests/start.test.ts': 3.7,
  'src/contracts/check.test.ts': 3.5,
  'src/cli/main.test.ts': 3.5,
  'provider-tests/broker-pending.test.ts': 2.9,
  'src/matrix/call.test.ts': 2.9,
  'src/probe/reference.test.ts': 2.9,
  'src/service/hop.test.ts': 2.7,
  'provider-tests/report-evidence.test.ts': 2.7,
  'src/contracts/load.test.ts': 2.5,
  'src/service/stall.test.ts': 2.3,
  'src/probe/burst.test.ts': 2.3,
  'provider-tests/broker-double-contract.test.ts': 2.2,
  'provider-tests/verify-not-verified.test.ts': 2.2,
};

class LongestFirstSequencer extends Sequencer {
  /** Milliseconds: jest's own record of the file when it has one, else the estimate; undefined when neither. */
  expectedMs(test) {
    const recorded = this.time(test);
    if (recorded != null) return recorded;
    const relative = path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/');
    const estimate = ESTIMATES[relative];
    return estimate === undefined ? undefined : estimate * 1000;
  }

  sort(tests) {
    const size = new Map();
    const bytes = (t) => {
      if (!size.has(t.path)) size.set(t.path, t.context.hasteFS.getSize(t.path) ?? 0);
      return size.get(t.path);
    };
    // jest reads test.duration afterwards (its time estimate, whether to run in band): only its own record, as it sets it.
    for (const test of tests) test.duration = this.time(test);
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), ms: this.expectedMs(test) }));
    keyed.sort((a, b) => {
      // As jest does: what failed last time first, for the quickest feedback.
      if (a.failed !== b.failed) return a.failed ? -1 : 1;
      if ((a.ms === undefined) !== (b.ms === undefined)) return a.ms === undefined ? 1 : -1;
      if (a.ms !== undefined && b.ms !== undefined && a.ms !== b.ms) return b.ms - a.ms;
      return bytes(b.test) - bytes(a.test);
    });
    return keyed.map((k) => k.test);
  }
}

module.exports = LongestFirstSequencer;
module.exports.ESTIMATES = ESTIMATES;
