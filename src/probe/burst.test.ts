import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../credentials';
import { getContracts } from '../contracts/load';
import { allFindings, runPassed } from '../report/model';
import { startReferenceService, type ReferenceService } from '../service';
import { DEFAULT_BURST, planBursts, runBurst } from './burst';
import { RATE_LIMIT_NOT_ENFORCED } from './checks';
import { toWire } from './http';
import { planProbe } from './plan';
import { runProbe } from './run';

const CREDENTIALS: Credentials = { appKey: 'probeBurstAppKey00000001', masterSecret: 'probeBurstSecret00000001' };
const contracts = getContracts();

/** A service that answers tags.list forever with 200 and advertises a quota it never enforces. */
async function neverLimits(remaining: number, delayMs = 0): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((_req, res) => {
    count += 1;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': String(remaining), 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': '60' });
      res.end(JSON.stringify({ tags: [] }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function tagsListTarget() {
  const plan = planProbe(contracts, { api: 'jpush-v3', endpoints: ['tags.list'] });
  const { targets } = planBursts(contracts, 'jpush-v3', [contracts.endpoint('jpush-v3', 'tags.list')], plan.cases);
  expect(targets).toHaveLength(1);
  return targets[0];
}

describe('rate-limit burst', () => {
  describe('against the reference service with a small limit', () => {
    let svc: ReferenceService;
    beforeAll(async () => {
      svc = await startReferenceService({ credentials: CREDENTIALS, limits: { rateByBucket: { 'jpush-v3': { device: { limit: 12 } }, 'mtpush-v4': { app: { limit: 12 } } } } });
    });
    afterAll(() => svc.close());
    afterEach(() => svc.reset());

    it.each(['jpush-v3', 'mtpush-v4'] as const)('gets a conforming 429 on %s and judges it with no finding', async (api) => {
      const result = await runProbe({ baseUrl: svc.url, api, endpoints: ['tags.list'], credentials: CREDENTIALS, burst: true });
      const burst = result.model.cases.filter((c) => c.ref.description.includes('burst'));
      expect(burst).toHaveLength(1);
      expect(burst[0].status).toEqual({ expected: 429, actual: 429 });
      expect(allFindings(result.model)).toEqual([]);
      expect(runPassed(result.model)).toBe(true);
    });

    it('stops at the first 429, within the advertised remaining quota plus the margin', async () => {
      const t = tagsListTarget();
      const out = await runBurst(svc.url, t, toWire(t.probe.request, CREDENTIALS), DEFAULT_BURST, 2000);
      expect(out.limited?.status).toBe(429);
      expect(out.planned).toBeLessThanOrEqual(1 + 12 + DEFAULT_BURST.margin);
      expect(out.sent).toBeLessThanOrEqual(out.planned);
      // Nothing is sent after the 429 but what was already in flight.
      expect(out.responses.filter((r) => r.status === 429).length).toBeLessThanOrEqual(DEFAULT_BURST.concurrency);
    });
  });

  it('judges the 429 that ends the burst by the policy: one without rate-limit headers is caught', async () => {
    const limit = 10;
    const rate = contracts.codeFor('jpush-v3', 'device', 'rate.exceeded')!;
    let count = 0;
    const server = http.createServer((_req, res) => {
      count += 1;
      if (count > limit) {
        res.writeHead(rate.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: rate.code, message: rate.message } }));
        return;
      }
      const left = String(limit - count);
      res.writeHead(200, { 'content-type': 'application/json', 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': left, 'x-rate-limit-reset': '60' });
      res.end(JSON.stringify({ tags: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await runProbe({ baseUrl: url, api: 'jpush-v3', endpoints: ['tags.list'], credentials: CREDENTIALS, burst: true });
      const burst = result.model.cases.find((c) => c.ref.description.includes('burst'));
      expect(burst?.status.actual).toBe(rate.status);
      expect(burst?.findings.map((f) => f.ruleId)).toContain('response.header.rate-limit-missing');
      expect(burst?.findings.map((f) => f.ruleId)).not.toContain(RATE_LIMIT_NOT_ENFORCED);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('finds a service that lets a burst beyond its advertised quota through, naming probe.rate-limit.not-enforced', async () => {
    const svc = await neverLimits(3);
    try {
      const result = await runProbe({ baseUrl: svc.url, api: 'jpush-v3', endpoints: ['tags.list'], credentials: CREDENTIALS, burst: { concurrency: 2 } });
      const burst = result.model.cases.find((c) => c.ref.description.includes('burst'));
      expect(burst?.findings.map((f) => f.ruleId)).toContain(RATE_LIMIT_NOT_ENFORCED);
      expect(runPassed(result.model)).toBe(false);
    } finally {
      await svc.close();
    }
  });

  it('never sends more than quota plus margin to a service that does not limit', async () => {
    const svc = await neverLimits(3);
    try {
      const t = tagsListTarget();
      const out = await runBurst(svc.url, t, toWire(t.probe.request, CREDENTIALS), { ...DEFAULT_BURST, margin: 2 }, 2000);
      expect(out.sent).toBe(1 + 3 + 2);
      expect(svc.count()).toBe(out.sent);
      expect(out.inconclusive).toBeUndefined();
    } finally {
      await svc.close();
    }
  });

  it('stops at the absolute cap and calls the burst inconclusive when the quota is above it', async () => {
    const svc = await neverLimits(500);
    try {
      const t = tagsListTarget();
      const out = await runBurst(svc.url, t, toWire(t.probe.request, CREDENTIALS), { ...DEFAULT_BURST, maxRequests: 20 }, 2000);
      expect(svc.count()).toBe(20);
      expect(out.inconclusive).toMatch(/above the burst cap of 20/);
    } finally {
      await svc.close();
    }
  });

  it('stops within its time budget and reports the burst as not covered, never as a pass', async () => {
    const svc = await neverLimits(400, 40);
    try {
      const t = tagsListTarget();
      const out = await runBurst(svc.url, t, toWire(t.probe.request, CREDENTIALS), { ...DEFAULT_BURST, maxDurationMs: 300, concurrency: 2 }, 2000);
      expect(out.elapsedMs).toBeLessThan(300 + 500);
      expect(out.sent).toBeLessThan(40);
      expect(out.inconclusive).toMatch(/time budget of 300 ms/);
      const result = await runProbe({ baseUrl: svc.url, api: 'jpush-v3', endpoints: ['tags.list'], credentials: CREDENTIALS, burst: { maxDurationMs: 300, concurrency: 2 } });
      expect(result.model.cases.some((c) => c.ref.description.includes('burst'))).toBe(false);
      expect(result.notCovered.find((n) => n.status === 429 && n.reason.startsWith('burst inconclusive'))).toBeDefined();
    } finally {
      await svc.close();
    }
  });
});
