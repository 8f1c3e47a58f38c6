/**
 * The requests contracts/ describes: the valid request of an endpoint (each request schema's first
 * example) and the catalogued bad requests (a mutation of it: remove a pointer, set a pointer to a
 * value or a repeated text, or a raw non-JSON body). One implementation, used by the consumer
 * builders, the probe and the reference service's tests, so "which request elicits which cause" is
 * read one way everywhere.
 */
import type { Contracts } from './load';
import type { BadRequest, Endpoint, StateRef } from './types';

/** A request body: JSON, or raw text that is deliberately not JSON. */
export type RequestBody = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'raw'; readonly text: string };

/** The parts of a request an endpoint's schemas describe, as plain data that mutations edit. */
export interface RequestParts {
  readonly params: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: RequestBody;
}

function firstExample(contracts: Contracts, id: string): unknown {
  const examples = contracts.schema(id).examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The request the contracts consider valid for an endpoint: path params, query and body from schema examples. */
export function exampleRequest(contracts: Contracts, e: Endpoint): RequestParts {
  const params: Record<string, string> = {};
  if (e.request.params) {
    const props = (contracts.schema(e.request.params).properties ?? {}) as Record<string, { examples?: unknown[] }>;
    for (const name of e.request.paramNames) {
      const ex = props[name]?.examples?.[0];
      if (ex !== undefined) params[name] = String(ex);
    }
  }
  const query = e.request.query ? (clone(firstExample(contracts, e.request.query)) as Record<string, string> | undefined) ?? {} : undefined;
  const body = e.request.body ? { kind: 'json' as const, value: clone(firstExample(contracts, e.request.body)) ?? {} } : undefined;
  return { params, query, body };
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === 'object';
}

/** Removes the value at a pointer; a missing path changes nothing. */
export function removeAt(doc: unknown, pointer: string): unknown {
  const copy = clone(doc);
  const segs = parsePointer(pointer);
  if (segs.length === 0) return undefined;
  let node: unknown = copy;
  for (const seg of segs.slice(0, -1)) {
    if (!isContainer(node)) return copy;
    node = (node as Record<string, unknown>)[seg];
  }
  const last = segs[segs.length - 1];
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else if (isContainer(node)) delete (node as Record<string, unknown>)[last];
  return copy;
}

/** Sets the value at a pointer, creating the objects on the way (a bad request may add a whole branch). */
export function setAt(doc: unknown, pointer: string, value: unknown): unknown {
  const segs = parsePointer(pointer);
  if (segs.length === 0) return clone(value);
  const copy = isContainer(doc) ? clone(doc) : {};
  let node = copy as Container;
  for (const seg of segs.slice(0, -1)) {
    const next = (node as Record<string, unknown>)[seg];
    if (!isContainer(next)) (node as Record<string, unknown>)[seg] = {};
    node = (node as Record<string, unknown>)[seg] as Container;
  }
  (node as Record<string, unknown>)[segs[segs.length - 1]] = clone(value);
  return copy;
}

/** The value a `set` mutation writes: a literal, or a text repeated (an oversized field). */
export function setValue(set: NonNullable<BadRequest['set']>): unknown {
  return set.repeat ? set.repeat.text.repeat(set.repeat.times) : set.value;
}

/** Applies one catalogued bad-request mutation to the valid request's parts. */
export function applyBadRequest(parts: RequestParts, bad: BadRequest): RequestParts {
  if (bad.raw !== undefined) return { ...parts, body: { kind: 'raw', text: bad.raw } };
  const edit = (doc: unknown): unknown =>
    bad.remove !== undefined ? removeAt(doc, bad.remove) : bad.set ? setAt(doc, bad.set.pointer, setValue(bad.set)) : doc;
  switch (bad.in) {
    case 'body': {
      const value = parts.body?.kind === 'json' ? parts.body.value : {};
      return { ...parts, body: { kind: 'json', value: edit(value) } };
    }
    case 'query':
      return { ...parts, query: stringValues(edit(parts.query ?? {})) };
    case 'params':
      return { ...parts, params: stringValues(edit(parts.params)) };
    default:
      return bad.in satisfies never;
  }
}

function stringValues(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(isContainer(v) ? v : {}).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}


/** The cause an operator's offline switch produces: a 410 on a live, catalogued endpoint. */
export const OFFLINE_CAUSE = 'endpoint.offline';

/**
 * The provider state that sets up a condition cause for an endpoint: its name from provider-states.json
 * and, for a state with parameters, their values from the endpoint's own data (the offline state names
 * the endpoint's method, path template and announcement). Undefined when no state sets the cause up, or
 * when the endpoint has no data for it (an endpoint without `elicit.offline` is never taken offline).
 */
export function conditionState(contracts: Contracts, e: Endpoint, cause: string): StateRef | undefined {
  const state = contracts.stateForCause(cause);
  if (!state) return undefined;
  if (cause === OFFLINE_CAUSE) {
    return e.elicit.offline ? { name: state.name, params: { method: e.method, path: e.path, announcement: e.elicit.offline.announcement } } : undefined;
  }
  return { name: state.name };
}
