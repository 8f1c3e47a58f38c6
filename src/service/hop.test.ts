/**
 * The gateway→dispatcher hop over its persistent framed connection, end to end over HTTP: many jobs share
 * the connection without their answers being mixed up, a job the gateway gave up on is not run later, and
 * a connection dropped with jobs in flight answers them 502.
 */
import * as http from 'node:http';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS, startReferenceService, type ReferenceService } from './index';
import { httpCall } from '../../test-support/http';
import { MAX_DEADLINE_CREDIT } from './gateway/dispatcher-client';

const AUTH = { authorization: basicAuth(DEMO_CREDENTIALS) };
const push = (sendno: number) => ({ platform: 'all', audience: 'all', notification: { alert: 'hop' }, options: { sendno } });
// Bounds a hang on a loaded machine; nothing here is timed.
jest.setTimeout(30_000);

describe('gateway→dispatcher hop', () => {
  let svc: ReferenceService;
  beforeEach(async () => {
    svc = await startReferenceService({ limits: { rate: { limit: 1_000_000 } }, dispatcher: { deadlineMs: 2000 } });
  });
  afterEach(async () => {
    await svc.close();
  });

  it('answers 300 concurrent pushes each with its own result: jobs share the connection and no answer goes to another request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    try {
      const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => httpCall(svc.url, 'POST', '/v3/push', { agent, body: push(i + 1), headers: AUTH })));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(answers.map((a) => a.json.sendno)).toEqual(answers.map((_, i) => String(i + 1)));
      const ids = answers.map((a) => a.json.msg_id as string);
      expect(new Set(ids).size).toBe(300);
      expect(ids.filter((id) => !svc.dispatcher.store.holds(id))).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it('drops a job whose deadline passed: a push answered 504 is never run afterwards', async () => {
    const quick = await startReferenceService({ dispatcher: { deadlineMs: 50 } });
    try {
      // Past the latest a stalled or waiting process can judge the job (MAX_DEADLINE_CREDIT more deadlines): a 504 on any machine.
      quick.dispatcher.setDelay(50 * (MAX_DEADLINE_CREDIT + 2));
      const before = quick.dispatcher.store.messageCount();
      const a = await httpCall(quick.url, 'POST', '/v3/push', { body: push(1), headers: AUTH });
      expect(a.status).toBe(504);
      // Well past the delay: a job the dispatcher still ran would be held by now.
      await new Promise((r) => setTimeout(r, 100 * (MAX_DEADLINE_CREDIT + 2)));
      expect(quick.dispatcher.store.messageCount()).toBe(before);
    } finally {
      await quick.close();
    }
  });

  it('answers 502 to the jobs in flight when the dispatcher drops the connection, and 200 once it is back', async () => {
    svc.dispatcher.queue.pause();
    const inFlight = [httpCall(svc.url, 'POST', '/v3/push', { body: push(1), headers: AUTH }), httpCall(svc.url, 'GET', '/v3/tags', { headers: AUTH })];
    // Both jobs have reached the dispatcher's queue before it goes away.
    while (svc.dispatcher.queue.length < 2) await new Promise((r) => setTimeout(r, 5));
    await svc.dispatcher.stop();
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => [a.status, a.json.error.code])).toEqual([[502, 9502], [502, 9502]]);
    await svc.reset();
    expect((await httpCall(svc.url, 'POST', '/v3/push', { body: push(2), headers: AUTH })).status).toBe(200);
  });
});
