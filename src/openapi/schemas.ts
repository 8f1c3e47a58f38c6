/**
 * contracts/schemas as OpenAPI components: every schema file becomes components.schemas[<name>], its
 * $defs are hoisted to components.schemas[<name>.<def>], and every $ref (relative to the file's $id)
 * is rewritten to a pointer into the document. Tools that resolve only in-document refs (the ref
 * parsers of swagger-parser, Prism and the PactFlow comparator) then need no $id support.
 */
import type { Contracts } from '../contracts/load';
import { SCHEMA_BASE } from '../contracts/load';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** 'jpush-v3/push.response.json' → 'jpush-v3.push.response'; names match OpenAPI's ^[a-zA-Z0-9.\-_]+$. */
export function componentName(schemaId: string): string {
  return schemaId.slice(SCHEMA_BASE.length).replace(/\.json$/, '').replace(/\//g, '.').replace(/[^a-zA-Z0-9.\-_]/g, '_');
}

export function componentRef(schemaId: string): string {
  return `#/components/schemas/${componentName(schemaId)}`;
}

/** The in-document pointer of a $ref written in the schema whose $id is baseId. */
export function rewriteRef(ref: string, baseId: string): string {
  const url = new URL(ref, baseId);
  const docId = url.href.split('#')[0];
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
  const defs = /^\/\$defs\/([^/]+)(.*)$/.exec(fragment);
  if (defs) return `#/components/schemas/${componentName(docId)}.${defs[1]}${defs[2]}`;
  return componentRef(docId) + fragment;
}

/** A copy of a schema node with every $ref rewritten and the file-level keywords OpenAPI does not need removed. */
export function rewriteSchema(node: unknown, baseId: string): Json {
  if (Array.isArray(node)) return node.map((n) => rewriteSchema(n, baseId));
  if (node === null || typeof node !== 'object') return node as Json;
  const out: JsonObject = {};
  const exactlyOne = exactlyOneProperty(node as Record<string, unknown>);
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (exactlyOne && key === 'oneOf') {
      out.minProperties = 1;
      out.maxProperties = 1;
      continue;
    }
    if (key === '$schema' || key === '$id' || key === '$defs') continue;
    // `examples` and `const`/`enum` hold instances, not schemas: copied as they are.
    if (key === 'examples' || key === 'const' || key === 'enum' || key === 'default') out[key] = value as Json;
    else if (key === '$ref' && typeof value === 'string') out[key] = rewriteRef(value, baseId);
    else if (key === 'properties' || key === 'patternProperties' || key === 'dependentSchemas') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, rewriteSchema(v, baseId)]));
    } else out[key] = rewriteSchema(value, baseId);
  }
  return out;
}

/**
 * "Exactly one of these properties", written as a oneOf whose branches only require one property each,
 * on an object that allows no other property: the same set as minProperties 1 + maxProperties 1. The
 * export uses the latter because bi-directional comparators treat every `required` in a response
 * schema as optional (a consumer may read a subset), which makes all such branches match and the
 * oneOf fail on every valid body.
 */
function exactlyOneProperty(node: Record<string, unknown>): boolean {
  if (node.additionalProperties !== false || !Array.isArray(node.oneOf) || !node.properties) return false;
  const keys = Object.keys(node.properties as object).sort();
  const required = (node.oneOf as Array<Record<string, unknown>>).map((b) => {
    const onlyRequire = Object.keys(b).every((k) => k === 'required' || k === 'properties') &&
      Object.values((b.properties ?? {}) as object).every((v) => v === true);
    const req = b.required;
    return onlyRequire && Array.isArray(req) && req.length === 1 ? String(req[0]) : undefined;
  });
  return required.every((r) => r !== undefined) && [...required].sort().join('\u0000') === keys.join('\u0000');
}

/** components.schemas for every schema file of contracts/ (synthesized parameter schemas are inlined instead). */
export function schemaComponents(contracts: Contracts, ids: Iterable<string>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const id of [...ids].sort()) {
    const schema = contracts.schema(id) as Record<string, unknown>;
    const name = componentName(id);
    out[name] = rewriteSchema(schema, id);
    for (const [def, sub] of Object.entries((schema.$defs ?? {}) as Record<string, unknown>)) out[`${name}.${def}`] = rewriteSchema(sub, id);
  }
  return out;
}

/** Every schema $id reachable from the given ones through $ref, so the document carries only what it uses. */
export function reachableSchemas(contracts: Contracts, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
          if (k === '$ref' && typeof v === 'string') visit(new URL(v, id).href.split('#')[0]);
          else if (k !== 'examples' && k !== 'enum' && k !== 'const') walk(v);
        }
      }
    };
    walk(contracts.schema(id));
  };
  for (const r of roots) visit(r);
  return seen;
}
