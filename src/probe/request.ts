/**
 * What the probe adds to the requests contracts/ describes (src/contracts/requests.ts): the user's
 * own ids in place of the examples, and whether a success would be read-only.
 */
import type { Contracts } from '../contracts/load';
import type { Endpoint } from '../contracts/types';
import type { RequestParts } from '../contracts/requests';

/**
 * Replaces the example ids of a provider state with ids the user says exist, wherever the example
 * request carries them: whole strings, inside comma lists (msg_ids=a,b), and numbers (msg_id as long).
 */
export function substitute<T>(value: T, replacements: ReadonlyArray<readonly [string, string]>): T {
  if (replacements.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replacements.reduce((s, [from, to]) => s.split(from).join(to), v);
    if (typeof v === 'number') {
      const hit = replacements.find(([from]) => from === String(v));
      if (!hit) return v;
      return /^[0-9]{1,15}$/.test(hit[1]) ? Number(hit[1]) : hit[1];
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function substituteParts(parts: RequestParts, replacements: ReadonlyArray<readonly [string, string]>): RequestParts {
  return {
    params: substitute(parts.params, replacements),
    query: parts.query && substitute(parts.query, replacements),
    body: parts.body?.kind === 'json' ? { kind: 'json', value: substitute(parts.body.value, replacements) } : parts.body,
  };
}

/**
 * Whether a successful call changes nothing on the service. GET reads. A POST that does not send,
 * names no resource in its path and answers with a body is a query sent as POST (validate,
 * status/message). Anything else (PUT, DELETE, POST to a resource, sending endpoints) writes.
 */
export function successIsReadOnly(e: Endpoint): boolean {
  if (e.sends) return false;
  if (e.method === 'GET') return true;
  return e.method === 'POST' && e.request.paramNames.length === 0 && e.success !== 'empty';
}
