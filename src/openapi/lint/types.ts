import type { ValidateFunction } from 'ajv';
import type { RuleResult, Severity } from '../../audit/types';
import type { Contracts } from '../../contracts/load';
import type { ApiId, Endpoint } from '../../contracts/types';

export type JsonNode = Readonly<Record<string, unknown>>;

/** One response of an operation, with its $ref followed. */
export interface LintResponse {
  /** The key under `responses`: '200', '4XX', 'default'. */
  readonly key: string;
  /** The numeric status, when the key is one. */
  readonly status?: number;
  /** JSON pointer of the response in the operation (where a $ref, if any, is written). */
  readonly pointer: string;
  /** The component the response was taken from, when it is a $ref. */
  readonly via?: string;
  readonly response: JsonNode;
  /** The JSON media type of the body and its object, if the response has one. */
  readonly json?: { readonly mediaType: string; readonly media: JsonNode; readonly pointer: string };
}

/** One operation of the linted document, located in the catalogue as far as it can be. */
export interface LintOperation {
  readonly method: string;
  /** The path key as the document writes it. */
  readonly path: string;
  /** The path with the server's base path in front, as a request would carry it. */
  readonly fullPath: string;
  /** JSON pointer of the operation object. */
  readonly pointer: string;
  readonly operation: JsonNode;
  readonly api: ApiId;
  /** The catalogued endpoint the path and method land on, if any. */
  readonly endpoint?: Endpoint;
  readonly family?: string;
  readonly responses: readonly LintResponse[];
}

/** What every lint rule may read; built once per document. */
export interface LintContext {
  readonly contracts: Contracts;
  readonly doc: JsonNode;
  /** Follows an in-document $ref (or returns the node), with the pointer it ended at. */
  resolve(node: unknown): { readonly node: unknown; readonly ref?: string };
  /** Compiles a schema of the document (its $refs resolved in the document); throws on a schema it cannot compile. */
  compile(schema: unknown): ValidateFunction;
}

/**
 * One lint rule: a pure function over one operation of a document that returns results (location a
 * JSON pointer into the document) and never throws; the engine adds the id, severity and operation.
 */
export interface LintRule<Id extends string = string> {
  readonly id: Id;
  readonly severity: Severity;
  readonly title: string;
  check(op: LintOperation, ctx: LintContext): readonly RuleResult[];
}

export function defineLintRule<Id extends string>(rule: LintRule<Id>): LintRule<Id> {
  return rule;
}

/** RFC 6901: one path segment of a JSON pointer. */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}
