/**
 * The test sequencer (test-support/sequencer.js): on a machine with no jest cache (CI's clean clone) the
 * files known to be long run first instead of the largest ones; jest's own record wins when it has one.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './temp-dir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sequencer = require('./sequencer') as { new (options: unknown): { sort(tests: FakeTest[]): FakeTest[]; cacheResults(tests: FakeTest[], results: unknown): void }; ESTIMATES: Record<string, number> };

const ROOT = path.join(__dirname, '..');

interface FakeTest {
  path: string;
  duration?: number;
  context: { config: { rootDir: string; cacheDirectory: string; id: string; cache: boolean; haste: Record<string, unknown> }; hasteFS: { getSize(p: string): number } };
}

/** Tests of one project as jest hands them over; `sizes` in bytes, by path relative to the root. */
function testsOf(sizes: Record<string, number>, cacheDirectory = tempDir('pc-seq-')): FakeTest[] {
  const context = {
    config: { rootDir: ROOT, cacheDirectory, id: 'seq', cache: true, haste: {} },
    hasteFS: { getSize: (p: string) => sizes[path.relative(ROOT, p)] ?? 0 },
  };
  return Object.keys(sizes).map((f) => ({ path: path.join(ROOT, f), context }));
}

const order = (tests: FakeTest[]): string[] => tests.map((t) => path.relative(ROOT, t.path));

describe('the longest-first test sequencer', () => {
  it('names only test files that exist, with a positive number of seconds', () => {
    for (const [file, seconds] of Object.entries(Sequencer.ESTIMATES)) {
      expect({ file, exists: existsSync(path.join(ROOT, file)), test: file.endsWith('.test.ts') }).toEqual({ file, exists: true, test: true });
      expect(seconds).toBeGreaterThan(0);
    }
  });

  it('without jest records, runs the long files first whatever their size, then the rest by size', () => {
    const tests = testsOf({
      'provider-tests/start.test.ts': 9_000,
      'provider-tests/verify-reference.test.ts': 1_500,
      'provider-tests/unknown-a.test.ts': 3_000,
      'provider-tests/mutation.test.ts': 4_000,
      'provider-tests/unknown-b.test.ts': 20_000,
    });
    expect(order(new Sequencer({}).sort(tests))).toEqual([
      'provider-tests/mutation.test.ts',
      'provider-tests/verify-reference.test.ts',
      'provider-tests/start.test.ts',
      'provider-tests/unknown-b.test.ts',
      'provider-tests/unknown-a.test.ts',
    ]);
    expect(tests.every((t) => t.duration === undefined)).toBe(true);
  });

  it("takes jest's own record of a file over the estimate, and runs what failed last time first", () => {
    const cacheDirectory = tempDir('pc-seq-');
    const tests = testsOf({ 'provider-tests/mutation.test.ts': 4_000, 'provider-tests/start.test.ts': 9_000, 'provider-tests/verify-cli.test.ts': 9_000 }, cacheDirectory);
    // jest's own record (what TestSequencer.cacheResults writes): start took 60 s, verify-cli failed.
    const seq = new Sequencer({});
    seq.cacheResults(tests, {
      testResults: [
        { testFilePath: tests[1].path, perfStats: { runtime: 60_000 }, numFailingTests: 0, skipped: false },
        { testFilePath: tests[2].path, perfStats: { runtime: 500 }, numFailingTests: 1, skipped: false },
      ],
    });
    const again = testsOf({ 'provider-tests/mutation.test.ts': 4_000, 'provider-tests/start.test.ts': 9_000, 'provider-tests/verify-cli.test.ts': 9_000 }, cacheDirectory);
    expect(order(new Sequencer({}).sort(again))).toEqual(['provider-tests/verify-cli.test.ts', 'provider-tests/start.test.ts', 'provider-tests/mutation.test.ts']);
    // jest's own reading of the record, as it sets it (its time estimate and in-band choice use it).
    expect(again.map((t) => t.duration)).toEqual([undefined, 60_000, 500]);
  });
});
