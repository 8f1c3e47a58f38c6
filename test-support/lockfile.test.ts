import fs from 'node:fs';
import path from 'node:path';

// `npm ci` takes each tarball's URL from the lockfile; an entry without one makes npm fetch and parse that
// package's whole registry metadata first (for ~650 packages, most of a cold install: docs/development.md).
// A user-level `omit-lockfile-registry-resolved=true` strips the URLs at the next `npm install` unless the
// project's .npmrc says otherwise, so both are checked here.
const ROOT = path.join(__dirname, '..');
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; version?: string; resolved?: string; integrity?: string; link?: boolean }>;
};

test('every installed package in package-lock.json carries its tarball URL and integrity', () => {
  const installed = Object.entries(lock.packages).filter(([key, entry]) => key !== '' && !entry.link);
  expect(installed.length).toBeGreaterThan(100);
  const expected = (key: string, entry: { name?: string; version?: string }) => {
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
  };
  const without = installed.filter(([key, entry]) => !entry.integrity || entry.resolved !== expected(key, entry)).map(([key]) => key);
  expect(without).toEqual([]);
});

test("the project's .npmrc keeps the tarball URLs in the lockfile whatever the user's npm config says", () => {
  const settings = fs
    .readFileSync(path.join(ROOT, '.npmrc'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  expect(settings).toContain('omit-lockfile-registry-resolved=false');
});
