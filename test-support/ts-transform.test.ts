import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The transformer jest itself uses for every .ts file (plain JS: jest loads transformers untransformed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTransformer } = require('./ts-transform.js') as {
  createTransformer(options?: Record<string, unknown>): {
    getCacheKey(text: string, file: string, options: object): string;
    process(text: string, file: string, options: object): { code: string };
  };
};

const ROOT = path.join(__dirname, '..');
// The three projects as jest.config.js declares them, normalised by jest the way workers receive them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require('../jest.config.js') as { projects: Array<Record<string, unknown>> };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-ts-transform-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function projectConfig(project: Record<string, unknown>, rootDir = ROOT, cacheDirectory = path.join(dir, 'cache')) {
  return { ...project, rootDir, cwd: rootDir, cacheDirectory, id: `id-${String(project.displayName)}`, globals: {}, cache: true };
}

const options = (config: object) => ({ config, instrument: false, supportsStaticESM: false, cacheFS: new Map(), configString: JSON.stringify(config), transformerConfig: {} });

const source = 'export const answer: number = 42;\n';
const file = path.join(ROOT, 'src', 'answer.ts');

describe('the jest TypeScript transformer', () => {
  it('gives a file the same key in the unit, consumer and provider projects', () => {
    const keys = jestConfig.projects.map((p) => createTransformer({ tsconfig: 'tsconfig.json' }).getCacheKey(source, file, options(projectConfig(p))));
    expect(jestConfig.projects.map((p) => p.displayName)).toEqual(['unit', 'consumer', 'provider']);
    expect(new Set(keys).size).toBe(1);
  });

  it("changes the key with the file's text and path", () => {
    const t = createTransformer({ tsconfig: 'tsconfig.json' });
    const config = projectConfig(jestConfig.projects[0]!);
    const key = t.getCacheKey(source, file, options(config));
    expect(t.getCacheKey(source.replace('42', '43'), file, options(config))).not.toBe(key);
    expect(t.getCacheKey(source, path.join(ROOT, 'src', 'other.ts'), options(config))).not.toBe(key);
  });

  it('changes the key with the tsconfig, a tsconfig it extends, the TypeScript and ts-jest versions and the options', () => {
    // A project of its own, so its tsconfig and toolchain can be edited between two fresh transformers.
    const root = path.join(dir, 'project');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write('tsconfig.base.json', '{ "compilerOptions": { "target": "ES2022" } }');
    write('tsconfig.json', '{ "extends": "./tsconfig.base.json", "compilerOptions": { "isolatedModules": true } }');
    write('node_modules/typescript/package.json', '{ "version": "5.9.3" }');
    write('node_modules/ts-jest/package.json', '{ "version": "29.4.15" }');
    write('node_modules/ts-jest/.ts-jest-digest', 'digest-1');
    const config = projectConfig(jestConfig.projects[0]!, root);
    const key = () => createTransformer({ tsconfig: 'tsconfig.json' }).getCacheKey(source, path.join(root, 'a.ts'), options(config));

    const keys = [key()];
    expect(key()).toBe(keys[0]); // nothing edited, nothing changes
    // The option as ts-jest also accepts it, with <rootDir>: the same file read.
    const rooted = () => createTransformer({ tsconfig: '<rootDir>/tsconfig.json' }).getCacheKey(source, path.join(root, 'a.ts'), options(config));
    const rootedBefore = rooted();
    write('tsconfig.json', '{ "extends": "./tsconfig.base.json", "compilerOptions": { "isolatedModules": true, "target": "ES2020" } }');
    keys.push(key());
    expect(rooted()).not.toBe(rootedBefore);
    write('tsconfig.base.json', '{ "compilerOptions": { "target": "ES2019" } }');
    keys.push(key());
    write('node_modules/typescript/package.json', '{ "version": "5.9.4" }');
    keys.push(key());
    write('node_modules/ts-jest/package.json', '{ "version": "29.4.16" }');
    keys.push(key());
    write('node_modules/ts-jest/.ts-jest-digest', 'digest-2');
    keys.push(key());
    keys.push(createTransformer({ tsconfig: 'tsconfig.json', diagnostics: false }).getCacheKey(source, path.join(root, 'a.ts'), options(config)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("transpiles as ts-jest does, once: another project's worker reads the entry the first one wrote", () => {
    const [unit, , provider] = jestConfig.projects;
    const first = createTransformer({ tsconfig: 'tsconfig.json' });
    const out = first.process(source, file, options(projectConfig(unit!)));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsJest = require('ts-jest').default.createTransformer({ tsconfig: 'tsconfig.json' });
    expect(out.code).toBe(tsJest.process(source, file, options(projectConfig(unit!))).code);
    expect(out.code).toContain('exports.answer = 42');

    // The entry is a file under jest's cache directory, named by the key; a transformer in another project
    // (a fresh instance, as in another worker) returns what that file holds instead of transpiling again.
    const entries = fs.readdirSync(path.join(dir, 'cache', 'push-contracts-ts'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
    expect(entries).toHaveLength(1);
    const entry = path.join(dir, 'cache', 'push-contracts-ts', String(entries[0]));
    fs.writeFileSync(entry, JSON.stringify({ code: 'exports.fromTheSharedEntry = true;' }));
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source, file, options(projectConfig(provider!))).code).toBe('exports.fromTheSharedEntry = true;');

    // An edited file misses the entry and is transpiled afresh.
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source.replace('42', '43'), file, options(projectConfig(provider!))).code).toContain('exports.answer = 43');
  });

  it('neither reads nor writes the shared entries when jest runs with --no-cache', () => {
    const config = { ...projectConfig(jestConfig.projects[0]!), cache: false };
    expect(createTransformer({ tsconfig: 'tsconfig.json' }).process(source, file, options(config)).code).toContain('exports.answer = 42');
    expect(fs.existsSync(path.join(dir, 'cache', 'push-contracts-ts'))).toBe(false);
  });
});
