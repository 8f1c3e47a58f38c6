/**
 * Reliability on loopback, bounded in count and time: parallel clients against the rate limiter, and the
 * dispatcher killed and brought back during load.
 */
import * as http from 'node:http';
import { getContracts } from '../contracts';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS, startReferenceService, type ReferenceService } from './index';
import { httpCall, type HttpAnswer } from '../../test-support/http';

const contracts = getContracts();
const AUTH = basicAuth(DEMO_CREDENTIALS);
// Each test puts hundreds of requests through the service; on a loaded CI machine that can take longer
// than jest's 5 s default. The timeout only bounds a hang: speed is measured in bench/, not here.
jest.setTimeout(30_000);

type Answer = HttpAnswer;

function send(agent: http.Agent, base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return httpCall(base, method, path, { agent, body, headers: { authorization: AUTH } });
}

/** `clients` loops, each sending one request after another until `until()` says stop. */
async function load(clients: number, until: () => boolean, one: (agent: http.Agent) => Promise<Answer>): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const all: Answer[] = [];
  try {
    await Promise.all(Array.from({ length: clients }, async () => {
      while (!until()) all.push(await one(agent));
    }));
  } finally {
    agent.destroy();
  }
  return all;
}

describe('rate limiter under parallel clients', () => {
  let svc: ReferenceService | undefined;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  it('admits exactly the limit of a window to 50 racing clients, across the families that share a bucket', async () => {
    const limit = 100;
    svc = await startReferenceService({ limits: { rate: { limit, windowSeconds: 60 } } });
    const s = svc;
    // v4's families share one bucket: devices, schedules and pushes all draw from it.
    const paths = ['/v4/tags', '/v4/schedules', '/v4/devices/100d85590955c1d2793'];
    let sent = 0;
    const answers = await load(50, () => sent >= 500, (agent) => send(agent, s.url, 'GET', paths[sent++ % paths.length]));
    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(admitted.length + refused.length).toBe(answers.length);
    expect(admitted.length).toBe(limit);
    // Each admitted request saw a different count of what was left.
    expect(new Set(admitted.map((a) => a.headers['x-rate-limit-remaining'])).size).toBe(limit);
    const code = contracts.codeFor('mtpush-v4', 'device', 'rate.exceeded')!;
    expect(refused.every((a) => a.json.error.code === code.code && a.headers['x-rate-limit-remaining'] === '0')).toBe(true);
  });

  it('never admits more than the limit in any window while windows roll over under load', async () => {
    const limit = 20;
    const windowSeconds = 1;
    svc = await startReferenceService({ limits: { rate: { limit, windowSeconds } } });
    const s = svc;
    const started = Date.now();
    const answers = await load(32, () => Date.now() - started > 2300, (agent) => send(agent, s.url, 'GET', '/v3/tags'));
    const admitted = answers.filter((a) => a.status === 200);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    // A window is [first admitted request, +1 s); the run spans at most ceil(2.3 s / 1 s) + 1 windows.
    const windows = Math.ceil((Date.now() - started) / (windowSeconds * 1000)) + 1;
    expect(admitted.length).toBeLessThanOrEqual(limit * windows);
    expect(admitted.length).toBeGreaterThanOrEqual(limit * 2);
    // Windows never overlap: remaining limit-1 marks a window's first admission, and the next window's
    // first admission is answered at least a window after the previous one was sent (client clocks only
    // widen that gap, so the check holds however loaded the machine is).
    const firsts = admitted.filter((a) => a.headers['x-rate-limit-remaining'] === String(limit - 1)).sort((x, y) => x.sentAt - y.sentAt);
    expect(firsts.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i].at - firsts[i - 1].sentAt).toBeGreaterThanOrEqual(windowSeconds * 1000);
  });
});

describe('dispatcher killed during load', () => {
  let svc: ReferenceService;
  beforeAll(async () => {
    svc = await startReferenceService({ limits: { rate: { limit: 1_000_000 } }, dispatcher: { deadlineMs: 300 } });
  });
  afterAll(async () => {
    await svc.close();
  });

  it('answers only 502/503/504 while it is gone, recovers when it returns, and loses nothing it accepted', async () => {
    const push = { platform: 'all', audience: 'all', notification: { alert: 'load' } };
    const started = Date.now();
    let stoppedAt = 0;
    let restartedAt = 0;
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await svc.dispatcher.stop();
      stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, 400));
      restartedAt = Date.now();
      await svc.dispatcher.start();
    })();
    const answers = await load(16, () => Date.now() - started > 1500, (agent) => send(agent, svc.url, 'POST', '/v3/push', push));
    await chaos;

    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].every((s) => [200, 502, 503, 504].includes(s))).toBe(true);
    // Requests sent and answered while it was down: none succeeded.
    const down = answers.filter((a) => a.sentAt > stoppedAt && a.at < restartedAt);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((a) => a.status >= 502)).toBe(true);
    expect(down.filter((a) => a.status === 502).length).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status !== 200)) {
      const code = contracts.businessCode('jpush-v3', 'push', a.json.error.code);
      expect(code?.status).toBe(a.status);
    }
    // It recovered: pushes succeed again after the restart.
    expect(answers.filter((a) => a.sentAt > restartedAt && a.status === 200).length).toBeGreaterThan(0);
    // Nothing accepted is lost: every push answered 200 is held by the dispatcher.
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.json.msg_id as string);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.filter((id) => !svc.dispatcher.store.holds(id))).toEqual([]);
    expect(new Set(accepted).size).toBe(accepted.length);
  }, 20_000);

  it('answers 503 when its queue fills under load and 200 again once the workers resume', async () => {
    await svc.reset();
    const small = await startReferenceService({ limits: { rate: { limit: 1_000_000 } }, dispatcher: { queueCapacity: 8, deadlineMs: 2000 } });
    try {
      small.dispatcher.fillQueue();
      const agent = new http.Agent({ keepAlive: true });
      const during = await Promise.all(Array.from({ length: 20 }, () => send(agent, small.url, 'GET', '/v3/tags')));
      expect(during.every((a) => a.status === 503)).toBe(true);
      small.dispatcher.resumeWorkers();
      expect((await send(agent, small.url, 'GET', '/v3/tags')).status).toBe(200);
      agent.destroy();
    } finally {
      await small.close();
    }
  });
});
