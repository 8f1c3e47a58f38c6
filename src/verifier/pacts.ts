/**
 * Reads and validates pact files before the Rust verifier sees them: a malformed file must end the
 * run with exit 2 naming the file (the verifier would only say "failed to load"), the filters are
 * applied here, and the interaction list is what recorded exchanges are correlated with.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PushContractsError } from '../errors';

/** One HTTP interaction of a pact, as far as verification needs it. */
export interface PactInteraction {
  readonly consumer: string;
  readonly provider: string;
  readonly description: string;
  readonly providerStates: readonly string[];
  readonly id?: string;
  readonly request: { readonly method: string; readonly path: string; readonly query: string; readonly headers: Readonly<Record<string, string>> };
  readonly response: { readonly status: number | null };
  /** Where the pact came from (file path or URL). */
  readonly source: string;
  /** Index of the interaction in its pact file (the order the verifier replays). */
  readonly index: number;
}

export interface LoadedPact {
  readonly source: string;
  readonly consumer: string;
  readonly provider: string;
  /** The parsed document, to write filtered copies. */
  readonly document: Record<string, unknown>;
  /** HTTP interactions only (message interactions are not this tool's business). */
  readonly interactions: readonly PactInteraction[];
  /** Indices into document.interactions of the HTTP interactions. */
  readonly rawIndices: readonly number[];
}

export interface InteractionFilter {
  readonly consumers?: readonly string[];
  /** Substring or /regex/ matched against the description. */
  readonly description?: string;
  /** Substring or /regex/ matched against any provider state name. */
  readonly state?: string;
}

const malformed = (source: string, why: string): PushContractsError =>
  new PushContractsError('PC_ERR_PACT_MALFORMED', `${source}: ${why}`, { file: source });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Query in its wire form: v2 stores a string, v3/v4 a map of arrays. */
function queryString(q: unknown, source: string, where: string): string {
  if (q === undefined || q === null) return '';
  if (typeof q === 'string') return q;
  if (!isObject(q)) throw malformed(source, `${where}.request.query is neither a string nor an object`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`);
  }
  return parts.join('&');
}

function headerMap(h: unknown): Record<string, string> {
  if (!isObject(h)) return {};
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

function statesOf(i: Record<string, unknown>): string[] {
  if (Array.isArray(i.providerStates)) {
    return i.providerStates.map((s) => (isObject(s) && typeof s.name === 'string' ? s.name : String(s)));
  }
  if (typeof i.providerState === 'string' && i.providerState !== '') return [i.providerState];
  return [];
}

/** Parses one pact document; throws PC_ERR_PACT_MALFORMED naming the source and the bad element. */
export function parsePact(text: string, source: string): LoadedPact {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw malformed(source, `not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(doc)) throw malformed(source, 'not a JSON object');
  const consumer = isObject(doc.consumer) && typeof doc.consumer.name === 'string' ? doc.consumer.name : undefined;
  const provider = isObject(doc.provider) && typeof doc.provider.name === 'string' ? doc.provider.name : undefined;
  if (!consumer) throw malformed(source, 'consumer.name is missing');
  if (!provider) throw malformed(source, 'provider.name is missing');
  if (!Array.isArray(doc.interactions)) throw malformed(source, 'interactions is not an array');
  const interactions: PactInteraction[] = [];
  const rawIndices: number[] = [];
  doc.interactions.forEach((raw: unknown, index: number) => {
    const where = `interactions[${index}]`;
    if (!isObject(raw)) throw malformed(source, `${where} is not an object`);
    if (typeof raw.type === 'string' && raw.type !== 'Synchronous/HTTP') return;
    if (typeof raw.description !== 'string') throw malformed(source, `${where}.description is missing`);
    const req = raw.request;
    const res = raw.response;
    if (!isObject(req)) throw malformed(source, `${where}.request is missing`);
    if (!isObject(res)) throw malformed(source, `${where}.response is missing`);
    if (typeof req.method !== 'string') throw malformed(source, `${where}.request.method is missing`);
    if (typeof req.path !== 'string') throw malformed(source, `${where}.request.path is missing`);
    if (res.status !== undefined && !Number.isInteger(res.status)) throw malformed(source, `${where}.response.status is not an integer`);
    rawIndices.push(index);
    interactions.push({
      consumer,
      provider,
      description: raw.description,
      providerStates: statesOf(raw),
      id: typeof raw._id === 'string' ? raw._id : typeof raw.key === 'string' ? raw.key : undefined,
      request: { method: req.method.toUpperCase(), path: req.path, query: queryString(req.query, source, where), headers: headerMap(req.headers) },
      response: { status: typeof res.status === 'number' ? res.status : null },
      source,
      index,
    });
  });
  return { source, consumer, provider, document: doc, interactions, rawIndices };
}

/** Pact files of a directory (*.json, sorted so runs are reproducible). */
export function pactFilesIn(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir);
  } catch (err) {
    throw new PushContractsError('PC_ERR_USAGE', `--pact-dir ${dir}: ${(err as Error).message}`, { file: dir });
  }
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => path.join(dir, n));
}

export function readPactFile(file: string): LoadedPact {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PushContractsError('PC_ERR_USAGE', `pact file ${file} cannot be read: ${(err as Error).message}`, { file });
  }
  return parsePact(text, file);
}

/** Fetches a pact over HTTP; an unreachable host is infrastructure, a bad body is a malformed pact. */
export async function fetchPact(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<LoadedPact> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/hal+json, application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new PushContractsError('PC_ERR_PROVIDER_UNREACHABLE', `pact URL ${url} could not be fetched: ${(err as Error).message}`, { url });
  }
  if (!res.ok) throw new PushContractsError('PC_ERR_USAGE', `pact URL ${url} answered ${res.status}`, { url });
  return parsePact(await res.text(), url);
}

function matches(pattern: string, text: string): boolean {
  const re = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (re) return new RegExp(re[1], re[2]).test(text);
  return text.includes(pattern);
}

export function keepInteraction(i: PactInteraction, filter: InteractionFilter): boolean {
  if (filter.consumers && filter.consumers.length > 0 && !filter.consumers.includes(i.consumer)) return false;
  if (filter.description !== undefined && !matches(filter.description, i.description)) return false;
  if (filter.state !== undefined && !i.providerStates.some((s) => matches(filter.state as string, s))) return false;
  return true;
}

export function isFiltering(filter: InteractionFilter): boolean {
  return (filter.consumers?.length ?? 0) > 0 || filter.description !== undefined || filter.state !== undefined;
}

/** The pact reduced to the interactions the filter keeps (message interactions are dropped too). */
export function filterPact(pact: LoadedPact, filter: InteractionFilter): LoadedPact {
  const kept = pact.interactions.filter((i) => keepInteraction(i, filter));
  const keptRaw = new Set(kept.map((i) => i.index));
  const rawInteractions = (pact.document.interactions as unknown[]).filter((_, idx) => keptRaw.has(idx));
  // Re-index: the verifier replays the filtered file in its own order.
  const interactions = kept.map((i, n) => ({ ...i, index: n }));
  return { ...pact, document: { ...pact.document, interactions: rawInteractions }, interactions, rawIndices: interactions.map((i) => i.index) };
}

/**
 * Writes a pact to `dir` as the `n`th copy of a run (one directory per run, not per copy) and returns
 * its path; the name keeps consumer and provider readable in the verifier's own output.
 */
export function writePactCopy(dir: string, pact: LoadedPact, n: number): string {
  const file = path.join(dir, `${String(n).padStart(3, '0')}-${pact.consumer}-${pact.provider}.json`.replace(/[^A-Za-z0-9._-]+/g, '_'));
  writeFileSync(file, JSON.stringify(pact.document));
  return file;
}

/** A fresh temporary directory for a run's pact copies. */
export function pactCopiesDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'push-contracts-pacts-'));
}

/** Interactions [start, end) of a pact, as a pact of their own (re-indexed, like a filtered copy). */
export function slicePact(pact: LoadedPact, start: number, end: number): LoadedPact {
  return subsetPact(pact, pact.interactions.slice(start, end).map((_, k) => start + k));
}

/** The interactions at `positions` (indices into pact.interactions, in the order given), as a pact of their own. */
export function subsetPact(pact: LoadedPact, positions: readonly number[]): LoadedPact {
  const raw = pact.document.interactions as unknown[];
  const interactions = positions.map((k, n) => ({ ...pact.interactions[k], index: n }));
  return {
    ...pact,
    document: { ...pact.document, interactions: positions.map((k) => raw[pact.rawIndices[k]]) },
    interactions,
    rawIndices: interactions.map((i) => i.index),
  };
}

/**
 * Part `index` of `count` (1-based) of the interactions of `pacts`, taken in their fixed order (files
 * sorted, interactions as written) as contiguous, near-equal ranges: every CI job computes the same
 * split, the shards are disjoint and together cover every interaction once.
 */
export function shardPacts(pacts: readonly LoadedPact[], index: number, count: number): LoadedPact[] {
  const total = pacts.reduce((n, p) => n + p.interactions.length, 0);
  const from = Math.floor((total * (index - 1)) / count);
  const to = Math.floor((total * index) / count);
  const out: LoadedPact[] = [];
  let offset = 0;
  for (const p of pacts) {
    const start = Math.max(from - offset, 0);
    const end = Math.min(to - offset, p.interactions.length);
    if (start < end) out.push(slicePact(p, start, end));
    offset += p.interactions.length;
  }
  return out;
}
