/**
 * The opt-in rate-limit burst: repeat one read-only request beyond the quota the service advertises
 * until it answers 429. Bounded three ways: the advertised remaining quota plus a margin, an absolute
 * cap, and a time budget; it stops at the first 429.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { headerOf } from '../audit/context';
import { fillPath, type Contracts } from '../contracts/load';
import type { ApiId, Endpoint } from '../contracts/types';
import { send, ProbeTransportError, type WireRequest, type WireResponse } from './http';
import { expectationFor } from './plan';
import { exampleRequest } from '../contracts/requests';
import { successIsReadOnly } from './request';
import type { BurstOptions, NotCovered, ProbeCase } from './types';

export const DEFAULT_BURST: BurstOptions = { margin: 5, maxRequests: 1000, maxDurationMs: 10_000, concurrency: 8 };

export interface BurstTarget {
  readonly bucket: string;
  readonly families: readonly string[];
  /** The request repeated, as a case expecting the bucket's 429. */
  readonly probe: ProbeCase;
  readonly windowSeconds: number;
  readonly catalogueLimit: number;
}

/**
 * One target per rate-limit bucket of the probed endpoints. The repeated request is the plan's own
 * success request when there is a read-only one (GET first), else a read-only endpoint's example:
 * a refused request still spends quota on the services we know, and it changes nothing.
 */
export function planBursts(contracts: Contracts, api: ApiId, endpoints: readonly Endpoint[], planned: readonly ProbeCase[]): { targets: BurstTarget[]; notCovered: NotCovered[] } {
  const cat = contracts.apis[api];
  const buckets = new Map<string, string[]>();
  for (const e of endpoints) {
    const b = cat.families[e.family].rateLimit.bucket;
    const list = buckets.get(b) ?? [];
    if (!list.includes(e.family)) list.push(e.family);
    buckets.set(b, list);
  }
  const targets: BurstTarget[] = [];
  const notCovered: NotCovered[] = [];
  for (const [bucket, families] of buckets) {
    const inBucket = endpoints.filter((e) => families.includes(e.family) && successIsReadOnly(e));
    const byGetFirst = [...inBucket].sort((a, b) => Number(b.method === 'GET') - Number(a.method === 'GET'));
    const success = byGetFirst.map((e) => planned.find((c) => c.kind === 'success' && c.endpoint === e)).find((c) => c !== undefined);
    const e = success?.endpoint ?? byGetFirst[0];
    const expect = e ? expectationFor(contracts, api, e.family, 'rate.exceeded') : undefined;
    if (!e || !expect) {
      notCovered.push({ api, endpoint: null, status: expect?.status ?? 429, cause: 'rate.exceeded', reason: `no read-only endpoint of the ${bucket} bucket to repeat` });
      continue;
    }
    const parts = exampleRequest(contracts, e);
    const request = success?.request ?? { method: e.method, path: fillPath(e.path, parts.params), query: parts.query, body: parts.body, auth: 'valid' as const };
    const limit = cat.families[e.family].rateLimit;
    targets.push({
      bucket,
      families,
      windowSeconds: limit.windowSeconds,
      catalogueLimit: limit.limit,
      probe: {
        kind: 'burst',
        api,
        endpoint: e,
        family: e.family,
        description: `${api} ${e.id}: ${expect.status} rate.exceeded (burst on the ${bucket} bucket)`,
        providerStates: success?.providerStates ?? [],
        request,
        expect,
      },
    });
  }
  return { targets, notCovered };
}

export interface BurstOutcome {
  readonly sent: number;
  /** Requests the burst meant to send at most: the advertised remaining quota plus the margin, capped. */
  readonly planned: number;
  readonly elapsedMs: number;
  readonly responses: readonly WireResponse[];
  /** The first 429, if one came. */
  readonly limited?: WireResponse;
  /** Why the burst cannot conclude without a 429 (window rolled over, cap below the quota, time budget). */
  readonly inconclusive?: string;
  readonly transportError?: string;
}

function intHeader(res: WireResponse, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = headerOf(res.headers, n);
    if (v !== undefined && /^\s*[0-9]+\s*$/.test(v)) return Number(v);
  }
  return undefined;
}

/** Sends the burst; the quota comes from the first response's X-Rate-Limit-Remaining, else the catalogue. */
export async function runBurst(baseUrl: string, target: BurstTarget, wire: WireRequest, bounds: BurstOptions, timeoutMs: number): Promise<BurstOutcome> {
  const agent = new URL(baseUrl).protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: bounds.concurrency }) : new http.Agent({ keepAlive: true, maxSockets: bounds.concurrency });
  const started = Date.now();
  const responses: WireResponse[] = [];
  let limited: WireResponse | undefined;
  let transportError: string | undefined;
  const first = await send(baseUrl, wire, timeoutMs, agent).catch((err: Error) => {
    transportError = err.message;
    return undefined;
  });
  if (!first) {
    agent.destroy();
    return { sent: 1, planned: 1, elapsedMs: Date.now() - started, responses, transportError };
  }
  responses.push(first);
  if (first.status === 429) limited = first;
  const remaining = intHeader(first, 'x-rate-limit-remaining');
  const quota = remaining ?? target.catalogueLimit;
  const planned = Math.min(1 + quota + bounds.margin, bounds.maxRequests);
  const windowMs = (intHeader(first, 'x-rate-limit-reset') ?? target.windowSeconds) * 1000;
  let sent = 1;
  const worker = async (): Promise<void> => {
    while (!limited && !transportError && sent < planned && Date.now() - started < bounds.maxDurationMs) {
      sent += 1;
      try {
        const res = await send(baseUrl, wire, timeoutMs, agent);
        responses.push(res);
        if (res.status === 429 && !limited) limited = res;
      } catch (err) {
        transportError = err instanceof ProbeTransportError ? err.message : String(err);
      }
    }
  };
  if (!limited) await Promise.all(Array.from({ length: Math.max(1, bounds.concurrency) }, worker));
  agent.destroy();
  const elapsedMs = Date.now() - started;
  let inconclusive: string | undefined;
  if (!limited && !transportError) {
    if (1 + quota + bounds.margin > bounds.maxRequests) inconclusive = `the quota (${quota}) is above the burst cap of ${bounds.maxRequests} requests`;
    else if (sent < planned) inconclusive = `the time budget of ${bounds.maxDurationMs} ms ran out after ${sent} of ${planned} requests`;
    else if (elapsedMs >= windowMs) inconclusive = `the burst took ${elapsedMs} ms, longer than the ${windowMs} ms rate-limit window`;
  }
  return { sent, planned, elapsedMs, responses, limited, inconclusive, transportError };
}
