import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Temporary directories for tests that remove themselves: `tempDir(prefix)` makes one under the OS temp
 * directory (fs.mkdtempSync) and it is removed, with everything in it, after the last test of the file
 * that imported this module. Tests used to call mkdtempSync and leave ~110 directories behind per
 * `npm test`; test-support/temp-check.js (jest's global setup and teardown) now fails a run that leaves one.
 */
const made = new Set<string>();

/** Removes every directory tempDir made so far in this test file (safe to call more than once). */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}

// Registered once, when a test file first imports this module (at collection, the top level of the file).
afterAll(removeTempDirs);

/** A new empty directory under os.tmpdir() named `<prefix>XXXXXX`, removed after the file's tests. */
export function tempDir(prefix = 'pc-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}
