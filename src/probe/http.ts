/**
 * The probe's HTTP client: node:http rather than fetch, because the probe must send what fetch
 * refuses or rewrites (malformed bodies, any method with or without a body, no default headers).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { basicAuth, groupBasicAuth, WRONG_CREDENTIALS, WRONG_GROUP_CREDENTIALS, type Credentials, type GroupCredentials } from '../credentials';
import type { HeaderMap } from '../audit/types';
import type { ProbeRequest } from './types';
import { patientTimeout } from '../patient-timer';

export interface WireResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: string;
  readonly durationMs: number;
}

export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A body larger than this is cut: judging a response never needs more, and memory stays bounded. */
const MAX_BODY_BYTES = 1024 * 1024;

export class ProbeTransportError extends Error {
  readonly kind: 'unreachable' | 'timeout' | 'failed';
  constructor(kind: 'unreachable' | 'timeout' | 'failed', message: string) {
    super(message);
    this.name = 'ProbeTransportError';
    this.kind = kind;
  }
}

/** The request on the wire: query string, body text and headers, with the credentials its case asks for. */
export function toWire(req: ProbeRequest, credentials: Credentials, group?: GroupCredentials): WireRequest {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (req.body) {
    body = req.body.kind === 'json' ? JSON.stringify(req.body.value) : req.body.text;
    headers['content-type'] = 'application/json';
  }
  if (req.auth !== 'none' && req.principal === 'group') {
    // A plan only makes a valid group case when group credentials were given.
    headers.authorization = groupBasicAuth(req.auth === 'valid' && group ? group : WRONG_GROUP_CREDENTIALS);
  } else if (req.auth !== 'none') headers.authorization = basicAuth(req.auth === 'valid' ? credentials : WRONG_CREDENTIALS);
  const query = req.query && Object.keys(req.query).length > 0 ? new URLSearchParams(req.query).toString() : undefined;
  return { method: req.method, path: req.path, query, headers, body };
}

/** Joins the base URL (which may carry a path prefix of a gateway) and a catalogued path. */
export function targetUrl(baseUrl: string, path: string, query?: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const url = new URL(base.origin);
  url.pathname = `${prefix}${path}`;
  if (query) url.search = query;
  return url;
}

/** Sends one request; resolves with the response, rejects with a ProbeTransportError. */
export function send(baseUrl: string, req: WireRequest, timeoutMs: number, agent?: http.Agent): Promise<WireResponse> {
  const url = targetUrl(baseUrl, req.path, req.query);
  const lib = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string | number> = { ...req.headers };
  // An explicit zero length for a bodiless PUT/POST: Node would otherwise send it chunked, which some gateways refuse.
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  else if (req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = 0;
  const started = Date.now();
  return new Promise<WireResponse>((resolve, reject) => {
    const r = lib.request(url, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        cancel();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as HeaderMap,
          body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
          durationMs: Date.now() - started,
        });
      });
      res.on('error', (err) => reject(new ProbeTransportError('failed', err.message)));
    });
    // Timed by what this process could run: after a stall Node fires due timers before it reads the answer.
    const cancel = patientTimeout(timeoutMs, () => r.destroy(new ProbeTransportError('timeout', `no answer within ${timeoutMs} ms`)));
    r.on('close', cancel);
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof ProbeTransportError) reject(err);
      else if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH' || err.code === 'EAI_AGAIN') reject(new ProbeTransportError('unreachable', `${err.code}: ${err.message}`));
      else reject(new ProbeTransportError('failed', err.code ? `${err.code}: ${err.message}` : err.message));
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
