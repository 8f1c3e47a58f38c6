import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTempDirs, tempDir } from './temp-dir';
const check = require('./temp-check') as { setup(): void; teardown(): void };

describe("jest's temp-directory check (temp-check.js)", () => {
  const saved = process.env.TMPDIR;
  afterEach(() => {
    // A failed assertion must not leave the setup's directory in place of the real one.
    process.env.TMPDIR = saved;
  });

  it('fails the run naming what a test left in the run\'s temp directory, removes it and restores TMPDIR', () => {
    check.setup();
    const runDir = process.env.TMPDIR as string;
    expect(runDir).not.toBe(saved);
    expect(path.basename(runDir)).toMatch(/^push-contracts-tests-/);
    fs.mkdirSync(path.join(runDir, 'pc-leaky-abc123'));
    fs.mkdirSync(path.join(runDir, 'v8-compile-cache-0'));
    expect(() => check.teardown()).toThrow('tests left 1 entry in the temp directory (remove them; test-support/temp-dir.ts\'s tempDir does): pc-leaky-abc123');
    expect(fs.existsSync(runDir)).toBe(false);
    expect(process.env.TMPDIR).toBe(saved);
  });

  it('passes when nothing is left, and removes the run\'s directory', () => {
    check.setup();
    const runDir = process.env.TMPDIR as string;
    expect(() => check.teardown()).not.toThrow();
    expect(fs.existsSync(runDir)).toBe(false);
  });
});

describe('tempDir', () => {
  it('makes a new empty directory with the prefix, removed with everything in it by the file\'s cleanup', () => {
    const a = tempDir('pc-temp-dir-');
    const b = tempDir('pc-temp-dir-');
    expect(a).not.toBe(b);
    expect(path.basename(a)).toMatch(/^pc-temp-dir-/);
    expect(fs.readdirSync(a)).toEqual([]);
    fs.mkdirSync(path.join(a, 'nested'));
    fs.writeFileSync(path.join(a, 'nested', 'file.txt'), 'x');
    removeTempDirs();
    expect([fs.existsSync(a), fs.existsSync(b)]).toEqual([false, false]);
  });
});
