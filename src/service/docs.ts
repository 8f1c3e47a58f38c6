import type { ApiId, CauseId, Contracts } from '../contracts';
import { causeIds } from '../contracts';

/** How this service produces each cause: the real condition behind the answer. */
export const REAL_CAUSES: Readonly<Record<CauseId, string>> = {
  'request.missing-parameter': 'The request schema of the endpoint reports a `required` keyword.',
  'request.invalid-value': 'The request schema reports any keyword other than `required` and `additionalProperties`; or the dispatcher finds no such message (withdraw, status).',
  'request.unsupported-key': 'The request schema reports an `additionalProperties` keyword.',
  'request.too-large': 'A part of the body is over the endpoint\'s `payloadLimits`, or the body is over the gateway\'s body limit (refused from its Content-Length, or as soon as the limit is passed).',
  'request.no-target': 'The dispatcher resolves the audience against the devices it holds and finds none; the envelope carries the msg_id it allocated.',
  'request.malformed': 'The body is not well-formed JSON (or the bytes are not HTTP).',
  'auth.failed': 'The Authorization header is not Basic, or its app key and master secret match no app.',
  'auth.missing': 'The request has no Authorization header.',
  'app.blacklisted': 'The app is on the blacklist (state "the app is blacklisted").',
  'app.ip-not-whitelisted': 'The app has an IP whitelist without the caller\'s address (state "the caller\'s IP is not whitelisted").',
  'app.not-vip': 'The endpoint is `vipOnly` and the app has no VIP plan (state "the app is not VIP").',
  'resource.not-found': 'The dispatcher holds no such device or schedule.',
  'path.not-found': 'No catalogued endpoint has this path. Answered before authentication.',
  'method.not-allowed': 'The path exists with other methods; the `Allow` header lists them. Answered after authentication and rate limiting.',
  'api.retired': 'The path is a retired API of the catalogue; the message carries the announcement.',
  'endpoint.offline': 'The gateway\'s route table marks the endpoint (method and path template) offline (state "the endpoint is taken offline by the operator"); the message carries the announcement. Answered after authentication, rate limiting and the method check, before validation.',
  'rate.exceeded': 'The app has used its family bucket\'s limit for the current window; `Retry-After` and `X-Rate-Limit-Reset` tell when it resets.',
  'upstream.failed': 'The dispatcher throws while running the job (its store is corrupt), or the gateway itself fails. No detail of the failure is sent.',
  'upstream.unreachable': 'Nobody listens at the dispatcher\'s socket, or it drops the connection mid-answer (it is stopped).',
  'upstream.overloaded': 'The dispatcher\'s bounded work queue is full (its workers are paused), or it is in maintenance.',
  'upstream.timeout': 'The dispatcher has not answered within the gateway\'s deadline.',
};

export const CODES_START = '<!-- service-codes:start (generated from contracts/ by src/service/docs.ts; UPDATE_DOCS=1 npx jest src/service/docs.test.ts) -->';
export const CODES_END = '<!-- service-codes:end -->';

/** Every business code the service can answer, per API: one row per code and cause, with the families that use it. */
export function serviceCodeRows(contracts: Contracts, api: ApiId): Array<{ code: number; status: number; message: string; cause: CauseId; families: string[] }> {
  const rows = new Map<string, { code: number; status: number; message: string; cause: CauseId; families: string[] }>();
  for (const family of Object.keys(contracts.apis[api].families)) {
    for (const cause of causeIds) {
      const c = contracts.codeFor(api, family, cause);
      if (!c) continue;
      const key = `${c.table} ${c.code} ${cause}`;
      const row = rows.get(key) ?? { code: c.code, status: c.status, message: c.message, cause, families: [] };
      row.families.push(family);
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.status - b.status || a.code - b.code || a.cause.localeCompare(b.cause));
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The generated section of docs/reference-service.md: the codes of each API, fastify-errors style. */
export function renderServiceCodes(contracts: Contracts): string {
  const out: string[] = [CODES_START, ''];
  for (const api of Object.values(contracts.apis)) {
    out.push(`### ${api.title}`, '', '| Code | Status | Message | Cause | Families | When this service answers it |', '|---|---|---|---|---|---|');
    for (const r of serviceCodeRows(contracts, api.id)) {
      out.push(`| ${r.code} | ${r.status} | ${cell(r.message)} | \`${r.cause}\` | ${r.families.join(', ')} | ${cell(REAL_CAUSES[r.cause])} |`);
    }
    out.push('');
  }
  out.push(CODES_END);
  return out.join('\n');
}
