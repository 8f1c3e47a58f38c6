/**
 * The evidence of a case: the request that was sent and the response that came back, as recorded on
 * the wire, plus a curl command that sends the request again. Built by the producers (verifier,
 * probe) from what they recorded; credentials are masked before anything is cut or pretty-printed,
 * so a cut never leaves a fragment the mask would not have recognised whole.
 */
import { ENV_APP_KEY, ENV_MASTER_SECRET, maskSecrets } from '../credentials';
import type { HeaderMap } from '../audit/types';

/** Bodies in reports are cut at this many UTF-8 bytes; the cut is said in the body's `truncated`. */
export const EVIDENCE_BODY_LIMIT = 4096;

export interface EvidenceBody {
  /** The body as shown: masked, pretty-printed when it is JSON, cut at EVIDENCE_BODY_LIMIT bytes. */
  readonly text: string;
  /** Size in UTF-8 bytes of the whole (masked) body as it was shown before the cut. */
  readonly bytes: number;
  readonly truncated: boolean;
  readonly json: boolean;
}

export interface Evidence {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: EvidenceBody;
  };
  /** null when no response arrived (timeout, unreachable). */
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: EvidenceBody } | null;
  /** A shell command that sends the same request; credentials stay shell variables. */
  readonly curl: string;
}

/** How the request authenticated, as far as a report may say. */
export type EvidenceAuth =
  /** The run's own credentials (from the environment): shown as `$PUSH_APP_KEY:$PUSH_MASTER_SECRET`. */
  | { readonly kind: 'environment' }
  /** A non-secret Authorization value (a pact's placeholder or deliberately wrong credentials). */
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'none' };

export interface ExchangeRecord {
  readonly baseUrl: string;
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  /** Request headers without Authorization (the `auth` field says how the request authenticated). */
  readonly requestHeaders: HeaderMap;
  readonly requestBody?: string;
  readonly auth: EvidenceAuth;
  readonly response: { readonly status: number; readonly headers: HeaderMap; readonly body: string } | null;
}

/** Where a request went: the base URL (which may carry a gateway prefix) joined with path and query. */
function urlOf(baseUrl: string, path: string, query?: string): string {
  const base = new URL(baseUrl);
  base.username = '';
  base.password = '';
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${path}${query ? `?${query}` : ''}`;
}

function flatHeaders(headers: HeaderMap, mask: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k.toLowerCase() === 'authorization') continue;
    out[k.toLowerCase()] = mask(Array.isArray(v) ? v.join(', ') : String(v));
  }
  return out;
}

/** Cuts at a byte bound without splitting a UTF-8 sequence. */
function cut(text: string, limit: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= limit) return text;
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end -= 1;
  return buf.subarray(0, end).toString('utf8');
}

/** Masked, then pretty-printed when JSON (masked again: parsing decodes \u escapes), then cut. */
export function evidenceBody(raw: string, mask: (s: string) => string, limit = EVIDENCE_BODY_LIMIT): EvidenceBody {
  let text = mask(raw);
  let json = false;
  try {
    if (text.trim() !== '') {
      text = mask(JSON.stringify(JSON.parse(text), null, 2));
      json = true;
    }
  } catch {
    // Not JSON: shown as it came.
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  const shown = cut(text, limit);
  return { text: shown, bytes, truncated: shown.length < text.length, json };
}

/** POSIX shell single-quoting: safe for any byte string, including quotes and newlines. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl would send by itself or that describe the connection, not the request. */
const CURL_SKIP = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'user-agent', 'transfer-encoding']);

/** A curl command that sends the request again; the body is the whole masked body (curl needs all of it). */
export function curlCommand(method: string, url: string, headers: Readonly<Record<string, string>>, auth: EvidenceAuth, body: string | undefined): string {
  const parts = ['curl', '-sS', '-i', '-X', method, shellQuote(url)];
  if (auth.kind === 'environment') parts.push('-u', `"$${ENV_APP_KEY}:$${ENV_MASTER_SECRET}"`);
  if (auth.kind === 'literal') parts.push('-H', shellQuote(`authorization: ${auth.value}`));
  for (const [k, v] of Object.entries(headers)) if (!CURL_SKIP.has(k)) parts.push('-H', shellQuote(`${k}: ${v}`));
  if (body !== undefined && body !== '') parts.push('--data-binary', shellQuote(body));
  return parts.join(' ');
}

/** The evidence of one exchange, every text masked with the run's secrets. */
export function buildEvidence(rec: ExchangeRecord, secrets: readonly string[]): Evidence {
  const mask = (s: string): string => maskSecrets(s, secrets);
  const url = mask(urlOf(rec.baseUrl, rec.path, rec.query));
  const headers = flatHeaders(rec.requestHeaders, mask);
  const auth: EvidenceAuth = rec.auth.kind === 'literal' ? { kind: 'literal', value: mask(rec.auth.value) } : rec.auth;
  const shownHeaders = auth.kind === 'none' ? headers : { authorization: auth.kind === 'environment' ? `Basic *** ($${ENV_APP_KEY}:$${ENV_MASTER_SECRET})` : auth.value, ...headers };
  const requestBody = rec.requestBody !== undefined && rec.requestBody !== '' ? rec.requestBody : undefined;
  return {
    request: {
      method: rec.method,
      url,
      headers: shownHeaders,
      ...(requestBody !== undefined ? { body: evidenceBody(requestBody, mask) } : {}),
    },
    response: rec.response ? { status: rec.response.status, headers: flatHeaders(rec.response.headers, mask), body: evidenceBody(rec.response.body, mask) } : null,
    curl: curlCommand(rec.method, url, headers, auth, requestBody === undefined ? undefined : mask(requestBody)),
  };
}

/** The evidence as text lines (console, JUnit): request, response head, body, curl. */
export function evidenceLines(e: Evidence): string[] {
  const body = (b: EvidenceBody): string[] => [
    ...b.text.split('\n'),
    ...(b.truncated ? [`… truncated: ${Buffer.byteLength(b.text, 'utf8')} of ${b.bytes} bytes shown`] : []),
  ];
  return [
    `> ${e.request.method} ${e.request.url}`,
    ...Object.entries(e.request.headers).map(([k, v]) => `> ${k}: ${v}`),
    ...(e.request.body ? body(e.request.body).map((l) => `> ${l}`) : []),
    ...(e.response
      ? [`< ${e.response.status}`, ...Object.entries(e.response.headers).map(([k, v]) => `< ${k}: ${v}`), ...(e.response.body.text ? body(e.response.body).map((l) => `< ${l}`) : [])]
      : ['< (no response)']),
    `$ ${e.curl}`,
  ];
}

/** Lines of a response body the console shows before it says how many more there are. */
const COMPACT_BODY_LINES = 6;

/** The evidence in a few lines (console): request line, status, the start of the body, curl. */
export function compactEvidenceLines(e: Evidence): string[] {
  const lines = e.response?.body.text ? e.response.body.text.split('\n') : [];
  const more = lines.length - COMPACT_BODY_LINES;
  return [
    `> ${e.request.method} ${e.request.url}`,
    e.response ? `< ${e.response.status} ${e.response.headers['content-type'] ?? ''}`.trimEnd() : '< (no response)',
    ...lines.slice(0, COMPACT_BODY_LINES).map((l) => `< ${l}`),
    ...(more > 0 || e.response?.body.truncated ? [`< … ${more > 0 ? `${more} more line(s)` : ''}${e.response?.body.truncated ? ` (body truncated at ${EVIDENCE_BODY_LIMIT} bytes in the reports)` : ''}`] : []),
    `$ ${e.curl}`,
  ];
}
