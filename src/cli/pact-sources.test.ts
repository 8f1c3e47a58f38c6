import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../test-support/temp-dir';
import { stalePactsReason } from './commands/start';
import { pactSources, pactSuites } from './pact-sources';

const ROOT = path.join(__dirname, '..', '..');

/** A scratch project laid out like this one, every file an hour old and the pact half an hour old. */
function project(): string {
  const root = tempDir('pc-pact-sources-');
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ scripts: { pacts: 'node scripts/clean-pacts.js && jest --selectProjects consumer --testPathIgnorePatterns resilience-matrix' } }),
    'contracts/statuses.json': '{}',
    'consumer-tests/api.test.ts': "import { suite } from './suite';\nimport type { Only } from '../src/types-only';\nsuite();\n",
    'consumer-tests/suite.ts': "import {\n  build,\n} from '../src/consumer';\nexport const suite = () => build();\n",
    'consumer-tests/resilience-matrix.test.ts': "import { runMatrix } from '../src/matrix';\nrunMatrix();\n",
    'consumer-tests/adapters/sdk.js': "const sdk = require('../../src/client');\n",
    'src/consumer/index.ts': "export * from './builder';\n",
    'src/consumer/builder.ts': "const helper = require('../helper');\nexport const build = () => helper;\n",
    'src/helper.js': 'module.exports = 1;\n',
    'src/types-only.ts': 'export type Only = 1;\n',
    'src/matrix/index.ts': 'export const runMatrix = () => 1;\n',
    'src/client/index.ts': 'export const client = 1;\n',
    'src/verifier/verify.ts': 'export const verify = 1;\n',
    'pacts/c-p.json': '{}',
  };
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.utimesSync(file, hourAgo, hourAgo);
  }
  const halfHourAgo = new Date(Date.now() - 1_800_000);
  fs.utimesSync(path.join(root, 'pacts', 'c-p.json'), halfHourAgo, halfHourAgo);
  return root;
}

const touch = (root: string, name: string): void => {
  const now = new Date();
  fs.utimesSync(path.join(root, name), now, now);
};

describe("npm start's staleness check", () => {
  it('follows the suites npm run pacts runs and what they import at run time, plus contracts/', () => {
    const root = project();
    expect(pactSuites(root).map((f) => path.relative(root, f))).toEqual(['consumer-tests/api.test.ts']);
    expect(pactSources(root).map((f) => path.relative(root, f).split(path.sep).join('/'))).toEqual([
      'consumer-tests/api.test.ts', 'consumer-tests/suite.ts', 'contracts/statuses.json', 'src/consumer/builder.ts', 'src/consumer/index.ts', 'src/helper.js',
    ]);
    expect(stalePactsReason(root)).toBeUndefined();
  });

  it.each([
    'consumer-tests/resilience-matrix.test.ts', 'consumer-tests/adapters/sdk.js', 'src/matrix/index.ts', 'src/client/index.ts', 'src/verifier/verify.ts', 'src/types-only.ts',
  ])('keeps the pacts when %s changes, which no pact is made from', (name) => {
    const root = project();
    touch(root, name);
    expect(stalePactsReason(root)).toBeUndefined();
  });

  it.each([
    'consumer-tests/api.test.ts', 'consumer-tests/suite.ts', 'src/consumer/index.ts', 'src/consumer/builder.ts', 'src/helper.js', 'contracts/statuses.json',
  ])('regenerates when %s changes, naming it', (name) => {
    const root = project();
    touch(root, name);
    expect(stalePactsReason(root)).toBe(`${name} changed after the pacts were generated`);
  });

  it('counts every consumer suite when the pacts script leaves none out', () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ scripts: { pacts: 'jest --selectProjects consumer' } }));
    expect(pactSuites(root).map((f) => path.basename(f))).toEqual(['api.test.ts', 'resilience-matrix.test.ts']);
    touch(root, 'src/matrix/index.ts');
    expect(stalePactsReason(root)).toBe('src/matrix/index.ts changed after the pacts were generated');
  });

  it("leaves out what the consumer project's testPathIgnorePatterns in jest.config.js leave out, as jest does", () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ scripts: { pacts: 'jest --selectProjects consumer' } }));
    fs.writeFileSync(path.join(root, 'jest.config.js'), `module.exports = { projects: [
      { displayName: 'unit', testPathIgnorePatterns: ['api'] },
      { displayName: 'consumer', testPathIgnorePatterns: ['/node_modules/', '<rootDir>/consumer-tests/resilience-matrix\\\\.test\\\\.ts$'] },
    ] };\n`);
    expect(pactSuites(root).map((f) => path.basename(f))).toEqual(['api.test.ts']);
    touch(root, 'src/matrix/index.ts');
    expect(stalePactsReason(root)).toBeUndefined();
  });

  it("in this project: the catalogue and example suites and what they import, never the resilience matrix or its adapters", () => {
    const rel = (files: string[]) => files.map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    expect(rel(pactSuites(ROOT))).toEqual(['consumer-tests/example-consumer.test.ts', 'consumer-tests/jpush-v3.test.ts', 'consumer-tests/mtpush-v4.test.ts']);
    const sources = rel(pactSources(ROOT));
    expect(sources).toEqual(expect.arrayContaining(['consumer-tests/catalogue-suite.ts', 'consumer-tests/play.ts', 'src/consumer/builder.ts', 'src/contracts/load.ts']));
    expect(sources.some((f) => f.startsWith('contracts/'))).toBe(true);
    expect(sources.filter((f) => /resilience-matrix|consumer-tests\/adapters\//.test(f))).toEqual([]);
  });
});
