import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-dir';

const ROOT = path.join(__dirname, '..');
const REGISTER = path.join(__dirname, 'emit-register.js');

/** Runs `script` in a node child with the hook; prints what it computed and whether ts-node was loaded. */
function child(script: string): { value: unknown; tsNode: boolean } {
  const out = execFileSync(process.execPath, ['-r', REGISTER, '-e', `${script}; console.log(JSON.stringify({ value, tsNode: Object.keys(require.cache).some((k) => k.includes('/node_modules/ts-node/')) }))`], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as { value: unknown; tsNode: boolean };
}

describe('test-support/emit-register.js', () => {
  it("runs the repository's TypeScript from tsc's emit, without loading ts-node", () => {
    // A module of src/ and its imports, as a test's child process runs a script from source.
    const r = child("const { BoundedMap } = require('./src/bounded-map.ts'); const m = new BoundedMap(1); m.set('a', 1); m.set('b', 2); const value = [...m.keys()]");
    expect(r).toEqual({ value: ['b'], tsNode: false });
  });

  it('runs a TypeScript file tsc has not compiled (edited since, or new) through ts-node', () => {
    const file = path.join(tempDir('pc-emit-register-'), 'fresh.ts');
    fs.writeFileSync(file, 'export const sum = (a: number, b: number): number => a + b;\n');
    expect(child(`const value = require(${JSON.stringify(file)}).sum(2, 3)`)).toEqual({ value: 5, tsNode: true });
  });
});
