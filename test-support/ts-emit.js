'use strict';
/**
 * tsc's own JavaScript for a TypeScript file, when it is provably the output for that file's current text.
 *
 * `npm test` type-checks with `tsc -b` before jest runs, and tsc emits every file it checks (src/ into dist/,
 * the tests into dist/tests/). Transpiling the same files again in jest (ts-jest loads TypeScript in every
 * worker and transpiles each file once per cold cache) cost about a fifth of a clean run's CPU
 * (docs/development.md). tsc's build info records, per source file, the SHA-256 of the text it compiled
 * (`fileInfos[].version`) and which files still wait for their emit (`affectedFilesPendingEmit`); a file's
 * emitted JavaScript is used only when its text hashes to that version, its emit is not pending, the build
 * info is newer than every tsconfig it was built with and the same TypeScript version wrote it. Anything
 * else (a file edited since the build, no build at all) is undefined here, and the caller transpiles.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * A tsconfig and every file it extends, bases before the files that extend them (the order tsc applies
 * them in: a later entry's options win): [{ file, text, json }].
 */
function tsconfigChain(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  const { parse } = require('jsonc-parser');
  const json = parse(text) ?? {};
  const bases = json.extends === undefined ? [] : Array.isArray(json.extends) ? json.extends : [json.extends];
  const chain = [];
  for (const base of bases) {
    const resolved = base.startsWith('.') || path.isAbsolute(base) ? path.resolve(path.dirname(file), base) : require.resolve(base, { paths: [path.dirname(file)] });
    chain.push(...tsconfigChain(fs.existsSync(resolved) || resolved.endsWith('.json') ? resolved : `${resolved}.json`, seen));
  }
  chain.push({ file, text, json });
  return chain;
}

/** Options of a tsconfig with its `extends` chain applied, tsBuildInfoFile resolved against its own file. */
function resolvedOptions(file) {
  const chain = tsconfigChain(file);
  let options = {};
  for (const { file: f, json } of chain) {
    const own = { ...(json.compilerOptions ?? {}) };
    if (typeof own.tsBuildInfoFile === 'string') own.tsBuildInfoFile = path.resolve(path.dirname(f), own.tsBuildInfoFile);
    options = { ...options, ...own };
  }
  const { json } = chain[chain.length - 1];
  return { options, files: chain.map((c) => c.file), references: (json.references ?? []).map((r) => path.resolve(path.dirname(file), r.path)) };
}

function configFile(p) {
  return fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'tsconfig.json') : p;
}

/** Ids (1-based, as tsc writes them) of the files a build info lists as its project's own sources. */
function rootIds(root) {
  const ids = new Set();
  for (const entry of root ?? []) {
    if (Array.isArray(entry)) for (let id = entry[0]; id <= entry[1]; id++) ids.add(id);
    else ids.add(entry);
  }
  return ids;
}

/**
 * Every source file the build infos of `tsconfig` and the projects it references can answer for:
 * absolute source path -> { version, js } (js: the emitted file's path). Files of a project whose build info
 * is missing, older than one of its tsconfig files or written by another TypeScript are left out.
 */
function readEmitIndex(tsconfig) {
  const index = new Map();
  // The TypeScript ts-jest would transpile with: the project's own, else the one next to this file.
  const typescript = JSON.parse(fs.readFileSync(require.resolve('typescript/package.json', { paths: [path.dirname(tsconfig), __dirname] }), 'utf8')).version;
  const visit = (file, seen) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { options, files, references } = resolvedOptions(file);
    for (const ref of references) visit(configFile(ref), seen);
    const infoFile = options.tsBuildInfoFile;
    if (options.noEmit || typeof infoFile !== 'string' || !fs.existsSync(infoFile)) return;
    const built = fs.statSync(infoFile).mtimeMs;
    if (files.some((f) => fs.statSync(f).mtimeMs > built)) return; // a tsconfig changed since: tsc -b has not run
    const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    if (info.version !== typescript || typeof info.options?.outDir !== 'string' || typeof info.options?.rootDir !== 'string') return;
    const dir = path.dirname(infoFile);
    const outDir = path.resolve(dir, info.options.outDir);
    const rootDir = path.resolve(dir, info.options.rootDir);
    const pending = new Set((info.affectedFilesPendingEmit ?? []).map((e) => (Array.isArray(e) ? e[0] : e)));
    for (const id of rootIds(info.root)) {
      if (pending.has(id)) continue;
      const source = path.resolve(dir, info.fileNames[id - 1]);
      if (!/\.ts$/.test(source) || /\.d\.ts$/.test(source)) continue;
      const fileInfo = info.fileInfos[id - 1];
      const version = typeof fileInfo === 'string' ? fileInfo : fileInfo?.version;
      if (typeof version !== 'string') continue;
      index.set(source, { version, js: path.join(outDir, path.relative(rootDir, source)).replace(/\.ts$/, '.js') });
    }
  };
  visit(configFile(tsconfig), new Set());
  return index;
}

/**
 * tsc leaves a sourceMappingURL comment out of a file's version hash when it stands in the file's trailing
 * block of blank and `//# ...` lines (getSourceFileVersionAsHashFromText): a text with one there is never
 * served, as two texts that differ in it hash alike. Anywhere else the comment is hashed like any text.
 */
function hasTrailingMapComment(text) {
  const lines = text.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*\/\/[#@]\s*source[M]appingURL=/.test(lines[i])) return true;
    if (!/^\s*(\/\/[#@] .*)?$/.test(lines[i])) return false;
  }
  return false;
}

/**
 * tsc's emitted JavaScript for `sourcePath` if it was compiled from exactly `sourceText`, with its source map
 * inlined the way ts-jest inlines its own (file and sources: the absolute source path, the text included),
 * so jest maps stack traces to the TypeScript lines either way; else undefined.
 */
function emittedCode(index, sourcePath, sourceText) {
  const entry = index.get(path.resolve(sourcePath));
  if (entry === undefined || hasTrailingMapComment(sourceText)) return undefined;
  if (crypto.createHash('sha256').update(sourceText).digest('hex') !== entry.version) return undefined;
  let js;
  let mapText;
  try {
    js = fs.readFileSync(entry.js, 'utf8');
    mapText = fs.readFileSync(`${entry.js}.map`, 'utf8');
  } catch {
    return undefined; // not emitted (or removed since): transpile
  }
  const at = js.lastIndexOf('//# sourceMappingURL=');
  if (at < 0) return undefined;
  const map = JSON.parse(mapText);
  map.file = sourcePath;
  map.sources = [sourcePath];
  map.sourcesContent = [sourceText];
  delete map.sourceRoot;
  return `${js.slice(0, at)}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map), 'utf8').toString('base64')}`;
}

module.exports = { readEmitIndex, emittedCode, tsconfigChain };
