/**
 * Loading and checking a user's adapter. Every failure is PC_ERR_ADAPTER and names the file, because the
 * person reading it wrote that file and nothing else of the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Contracts } from '../contracts';
import { getContracts } from '../contracts';
import { PushContractsError } from '../errors';
import type { MatrixAdapter } from './adapter';

const TS = /\.(c|m)?ts$/;
const HOOKS = ['statusOf', 'codeOf', 'retryAdvisedOf', 'retryAfterMsOf'] as const;

/**
 * Checks a value is a MatrixAdapter for a catalogued API whose calls are all endpoint ids of that API.
 * `where` names the adapter in messages (its file, or its name).
 */
export function checkAdapter(value: unknown, where: string, contracts: Contracts = getContracts()): MatrixAdapter {
  const fail = (msg: string): never => {
    throw new PushContractsError('PC_ERR_ADAPTER', `${where}: ${msg}`, { file: where });
  };
  const a = value as Partial<Record<keyof MatrixAdapter, unknown>> | null;
  if (a === null || typeof a !== 'object') return fail(`export 'adapter' (or default) must be a MatrixAdapter {name, api, calls, isTypedError} or a function returning one, got ${a === null ? 'null' : typeof a}`);
  const apis = Object.keys(contracts.apis);
  if (typeof a.name !== 'string' || a.name === '') fail('name must be a non-empty string');
  if (typeof a.api !== 'string' || !apis.includes(a.api)) fail(`unknown api '${String(a.api)}'; valid: ${apis.join(', ')}`);
  if (a.calls === null || typeof a.calls !== 'object') fail('calls must be an object of endpoint id → function');
  if (typeof a.isTypedError !== 'function') fail('isTypedError must be a function (err) => boolean');
  for (const hook of HOOKS) if (a[hook] !== undefined && typeof a[hook] !== 'function') fail(`${hook} must be a function when given`);
  const ids = contracts.endpoints(a.api as MatrixAdapter['api']).map((e) => e.id);
  const calls = a.calls as Record<string, unknown>;
  const unknown = Object.keys(calls).filter((k) => !ids.includes(k));
  if (unknown.length > 0) fail(`unknown endpoint id${unknown.length > 1 ? 's' : ''} in calls: ${unknown.join(', ')}; valid for ${String(a.api)}: ${ids.join(', ')}`);
  const notFunctions = Object.keys(calls).filter((k) => typeof calls[k] !== 'function');
  if (notFunctions.length > 0) fail(`calls.${notFunctions[0]} must be a function (ctx) => Promise`);
  if (Object.keys(calls).length === 0) fail('calls is empty: the adapter drives no endpoint');
  return value as MatrixAdapter;
}

/** Makes `require` understand .ts files, with the user's ts-node (or this package's, when it has one). */
export function ensureTypeScript(file: string, cwd: string, resolve: (id: string, options: { paths: string[] }) => string = require.resolve): void {
  // Already able (jest's transform, a ts-node already registered by the caller): nothing to do.
  if (require.extensions['.ts'] !== undefined) return;
  let tsNode: string;
  try {
    tsNode = resolve('ts-node', { paths: [cwd, path.dirname(file), __dirname] });
  } catch {
    throw new PushContractsError('PC_ERR_ADAPTER', `${file}: a TypeScript adapter needs ts-node (npm install --save-dev ts-node typescript), or compile the adapter to .js`, { file });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(tsNode) as { register(opts: object): void }).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}

/** Requires an adapter module and returns its `adapter` or default export, a MatrixAdapter or a (possibly async) factory of one. */
export async function loadAdapter(file: string, cwd: string, contracts: Contracts = getContracts()): Promise<MatrixAdapter> {
  const resolved = path.resolve(cwd, file);
  if (!fs.existsSync(resolved)) throw new PushContractsError('PC_ERR_ADAPTER', `${resolved}: no such adapter file`, { file: resolved });
  if (TS.test(resolved)) ensureTypeScript(resolved, cwd);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(resolved) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof PushContractsError) throw err;
    const e = err as { name?: string; message?: string };
    throw new PushContractsError('PC_ERR_ADAPTER', `${resolved}: cannot load: ${e.name ?? 'Error'}: ${(e.message ?? String(err)).split('\n')[0]}`, { file: resolved });
  }
  const candidate = mod.adapter ?? mod.default ?? mod;
  let value: unknown = candidate;
  if (typeof candidate === 'function') {
    try {
      value = await (candidate as () => unknown)();
    } catch (err) {
      const e = err as { name?: string; message?: string };
      throw new PushContractsError('PC_ERR_ADAPTER', `${resolved}: the adapter factory threw ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { file: resolved });
    }
  }
  return checkAdapter(value, resolved, contracts);
}
