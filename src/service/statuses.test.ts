/**
 * Every status of the policy, elicited over real HTTP from the condition that produces it, for every
 * catalogued endpoint where the contracts say how: success from its provider state, each bad request
 * from its mutation, 404 from its notFound params. Codes and statuses are read from contracts/.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { getContracts, fillPath, type ApiId, type CauseId, type Endpoint, type ProviderStateName } from '../contracts';
import { envelopeForm } from '../contracts/envelopes';
import { applyBadRequest, exampleRequest as requestOf } from '../contracts/requests';
import { basicAuth, groupBasicAuth, PLACEHOLDER_CREDENTIALS, WRONG_CREDENTIALS } from '../credentials';
import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, startReferenceService, type ReferenceService } from './index';
import { httpCall, type HttpAnswer } from '../../test-support/http';
import { startStatefulService } from '../../test-support/stateful-service';

const contracts = getContracts();
const AUTH = basicAuth(DEMO_CREDENTIALS);

type Answer = HttpAnswer;
const call = httpCall;

const authed = (headers: Record<string, string> = {}): Record<string, string> => ({ authorization: AUTH, ...headers });
/** An endpoint's valid credentials: the group's on group push, the app's elsewhere. */
const authedFor = (e: Endpoint): Record<string, string> => (e.auth === 'group' ? { authorization: groupBasicAuth(DEMO_GROUP_CREDENTIALS) } : authed());

/** The answer is the cause's status and code in the envelope that applies: the endpoint's own (template push, flat), else the API's (nested). */
function expectEnvelope(a: Answer, api: ApiId, family: string, cause: CauseId, envelope: string = contracts.apis[api].errorEnvelope): void {
  const code = contracts.codeFor(api, family, cause);
  expect(code).toBeDefined();
  const flat = envelopeForm(contracts, envelope) === 'flat';
  expect({ status: a.status, code: flat ? a.json?.code : a.json?.error?.code }).toEqual({ status: code!.status, code: code!.code });
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  expect(contracts.validate(envelope, a.json).errors).toEqual([]);
}

function expectRateHeaders(a: Answer): void {
  const headers = Object.fromEntries(Object.entries(a.headers).filter(([k]) => k.startsWith('x-rate-limit-')));
  expect(contracts.validate(contracts.schemaId('common/rate-limit-headers.json'), headers).errors).toEqual([]);
}

/** A request that passes validation: the first example of each request schema. */
function exampleRequest(e: Endpoint): { params: Record<string, string>; query: Record<string, unknown>; body?: unknown } {
  const parts = requestOf(contracts, e);
  return { params: parts.params, query: parts.query ?? {}, body: parts.body?.kind === 'json' ? parts.body.value : undefined };
}

function urlOf(e: Endpoint, params: Record<string, string>, query: Record<string, unknown>): string {
  const qs = new URLSearchParams(query as Record<string, string>).toString();
  return fillPath(e.path, params) + (qs ? `?${qs}` : '');
}

const stateHolding = (e: Endpoint) => e.elicit.success?.state;

describe('reference service statuses', () => {
  let svc: ReferenceService;

  beforeAll(async () => {
    svc = await startStatefulService();
  });
  afterAll(async () => {
    await svc.close();
  });
  afterEach(async () => {
    await svc.reset();
  });

  describe('200 for a valid request of every endpoint', () => {
    it.each(contracts.endpoints().map((e) => [`${e.api} ${e.id}`, e] as const))('%s answers 200 with a schema-valid body', async (_name, e) => {
      const state = stateHolding(e);
      if (state) await svc.setUpState(state.name as ProviderStateName, state.params as Record<string, string>);
      const req = exampleRequest(e);
      const a = await call(svc.url, e.method, urlOf(e, req.params, req.query), { body: req.body, headers: authedFor(e) });
      expect({ status: a.status, body: a.json }).toEqual({ status: 200, body: a.json });
      if (e.success === 'empty') expect(a.text).toBe('');
      else expect(contracts.validate(e.success, a.json).errors).toEqual([]);
      expectRateHeaders(a);
    });
  });

  describe('400 from each catalogued bad request', () => {
    const cases = contracts.endpoints().flatMap((e) => e.elicit.badRequests.map((b, i) => [`${e.api} ${e.id} ${b.cause} #${i}`, e, b] as const));
    it.each(cases)('%s', async (_name, e, bad) => {
      const state = stateHolding(e);
      if (state) await svc.setUpState(state.name as ProviderStateName, state.params as Record<string, string>);
      const req = applyBadRequest(requestOf(contracts, e), bad);
      const body = req.body?.kind === 'raw' ? { raw: req.body.text } : { body: req.body?.value };
      const a = await call(svc.url, e.method, urlOf(e, req.params, req.query ?? {}), { ...body, headers: authedFor(e) });
      expectEnvelope(a, e.api, e.family, bad.cause as CauseId, e.errorEnvelope);
      expectRateHeaders(a);
    });

    it('carries the allocated msg_id on a push that finds no target', async () => {
      const a = await call(svc.url, 'POST', '/v3/push', { body: { platform: 'all', audience: { alias: ['nobody'] }, message: { msg_content: 'x' } }, headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'push', 'request.no-target');
      expect(a.json.msg_id).toMatch(/^[0-9]+$/);
    });

    it('refuses a body over the iOS limit of 2000 bytes and one with Android notification plus message over 4000', async () => {
      const ios = await call(svc.url, 'POST', '/v3/push', { body: { platform: 'all', audience: 'all', notification: { ios: { alert: 'x'.repeat(2001) } } }, headers: authed() });
      expectEnvelope(ios, 'jpush-v3', 'push', 'request.too-large');
      const both = await call(svc.url, 'POST', '/v3/push', {
        body: { platform: 'all', audience: 'all', notification: { android: { alert: 'x'.repeat(2000) } }, message: { msg_content: 'y'.repeat(2000) } }, headers: authed(),
      });
      expectEnvelope(both, 'jpush-v3', 'push', 'request.too-large');
    });
  });

  describe('401 without or with wrong credentials, in each family\'s code', () => {
    const families = Object.values(contracts.apis).flatMap((api) => Object.keys(api.families).map((f) => [api.id, f, api.endpoints.find((e) => e.family === f)!] as const));
    it.each(families)('%s %s', async (api, family, e) => {
      const req = exampleRequest(e);
      const url = urlOf(e, req.params, req.query);
      const none = await call(svc.url, e.method, url, { body: req.body });
      expectEnvelope(none, api, family, 'auth.missing', e.errorEnvelope);
      for (const creds of [WRONG_CREDENTIALS, PLACEHOLDER_CREDENTIALS, { appKey: DEMO_CREDENTIALS.appKey, masterSecret: 'x'.repeat(24) }]) {
        const wrong = await call(svc.url, e.method, url, { body: req.body, headers: { authorization: basicAuth(creds) } });
        expectEnvelope(wrong, api, family, 'auth.failed', e.errorEnvelope);
      }
      const garbage = await call(svc.url, e.method, url, { body: req.body, headers: { authorization: 'Bearer abc' } });
      expectEnvelope(garbage, api, family, 'auth.failed', e.errorEnvelope);
    });
  });

  describe('403 from the app\'s permissions', () => {
    it.each([
      ['the app is blacklisted', 'app.blacklisted', 'jpush-v3', 'POST', '/v3/push', 'push'],
      ['the app is blacklisted', 'app.blacklisted', 'jpush-v3', 'GET', '/v3/received?msg_ids=1', 'report'],
      ['the app is blacklisted', 'app.blacklisted', 'mtpush-v4', 'GET', '/v4/tags', 'device'],
      ["the caller's IP is not whitelisted", 'app.ip-not-whitelisted', 'jpush-v3', 'GET', '/v3/tags', 'device'],
      ["the caller's IP is not whitelisted", 'app.ip-not-whitelisted', 'mtpush-v4', 'GET', '/v4/tags', 'device'],
      ['the app is not VIP', 'app.not-vip', 'jpush-v3', 'GET', '/v3/messages?msg_ids=1', 'report'],
    ] as const)('%s gives %s on %s %s %s', async (state, cause, api, method, path, family) => {
      await svc.setUpState(state);
      const a = await call(svc.url, method, path, { headers: authed() });
      expectEnvelope(a, api, family, cause);
      expectRateHeaders(a);
    });

    it('lets a non-VIP app use endpoints that are not VIP-only', async () => {
      await svc.setUpState('the app is not VIP');
      expect((await call(svc.url, 'GET', '/v3/tags', { headers: authed() })).status).toBe(200);
    });
  });

  describe('404', () => {
    it.each([['GET', '/v3/nothing-here'], ['POST', '/v4/pushes'], ['GET', '/'], ['GET', '/v5/push']])('for the unknown path %s %s, without asking for credentials', async (method, path) => {
      const a = await call(svc.url, method, path);
      const api = contracts.apiOfPath(path) ?? 'jpush-v3';
      expectEnvelope(a, api, Object.keys(contracts.apis[api].families)[0], 'path.not-found');
    });

    const notFound = contracts.endpoints().filter((e) => e.elicit.notFound);
    it.each(notFound.map((e) => [`${e.api} ${e.id}`, e] as const))('for the unknown resource of %s', async (_name, e) => {
      const req = exampleRequest(e);
      const a = await call(svc.url, e.method, urlOf(e, { ...req.params, ...e.elicit.notFound }, req.query), { body: req.body, headers: authed() });
      expectEnvelope(a, e.api, e.family, 'resource.not-found', e.errorEnvelope);
      expectRateHeaders(a);
    });

    it('for the provider-state path when provider states are not enabled', async () => {
      const plain = await startReferenceService();
      try {
        const a = await call(plain.url, 'POST', '/_pact/provider-states', { body: { state: 'a device exists', params: { registration_id: 'abc' } } });
        expectEnvelope(a, 'jpush-v3', 'push', 'path.not-found');
      } finally {
        await plain.close();
      }
    });
  });

  describe('405', () => {
    it.each([['GET', '/v3/push'], ['PUT', '/v3/devices/abc'], ['DELETE', '/v3/tags'], ['PATCH', '/v4/schedules/x'], ['GET', '/v4/push/validate']])(
      '%s %s answers 405 with Allow and rate-limit headers',
      async (method, path) => {
        const match = contracts.resolve(method, path);
        if (match.kind !== 'method-not-allowed') throw new Error(`expected a 405 path, got ${match.kind}`);
        const a = await call(svc.url, method, path, { headers: authed() });
        expectEnvelope(a, match.api, match.family, 'method.not-allowed');
        expect(a.headers.allow?.split(', ').sort()).toEqual([...match.allowed].sort());
        expectRateHeaders(a);
      },
    );

    it('asks for credentials before telling the method is wrong', async () => {
      const a = await call(svc.url, 'GET', '/v3/push');
      expectEnvelope(a, 'jpush-v3', 'push', 'auth.missing');
    });
  });

  describe('410', () => {
    const retired = Object.values(contracts.apis).flatMap((a) => a.retired);
    it.each(retired.map((r) => [r.path, r] as const))('%s is retired and points to the announcement', async (_p, r) => {
      const a = await call(svc.url, r.method, r.path, { headers: authed() });
      expectEnvelope(a, r.api, r.family, 'api.retired');
      expect(a.json.error.message).toContain(r.announcement);
    });
  });

  describe('429', () => {
    it('admits the limit, then refuses with 429 until the window resets, with headers counting down', async () => {
      const limited = await startReferenceService({ limits: { rate: { limit: 3, windowSeconds: 2 } } });
      try {
        const seen: Answer[] = [];
        for (let i = 0; i < 4; i++) seen.push(await call(limited.url, 'GET', '/v3/tags', { headers: authed() }));
        expect(seen.map((a) => a.status)).toEqual([200, 200, 200, 429]);
        expect(seen.map((a) => a.headers['x-rate-limit-remaining'])).toEqual(['2', '1', '0', '0']);
        expect(seen.every((a) => a.headers['x-rate-limit-limit'] === '3')).toBe(true);
        expectEnvelope(seen[3], 'jpush-v3', 'device', 'rate.exceeded');
        expect(seen[3].headers['retry-after']).toMatch(/^[0-2]$/);
        // Another family has its own bucket.
        expect((await call(limited.url, 'GET', '/v3/schedules', { headers: authed() })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 2050));
        expect((await call(limited.url, 'GET', '/v3/tags', { headers: authed() })).status).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('answers 429 in both APIs once the app has used up its rate limit', async () => {
      await svc.setUpState('the app has used up its rate limit');
      // v4 first: its window is one second long and starts at the setup.
      for (const [api, path, family] of [['mtpush-v4', '/v4/tags', 'device'], ['jpush-v3', '/v3/push', 'push'], ['jpush-v3', '/v3/received?msg_ids=1', 'report']] as const) {
        const a = await call(svc.url, path.startsWith('/v3/push') ? 'POST' : 'GET', path, { body: path === '/v3/push' ? {} : undefined, headers: authed() });
        expectEnvelope(a, api, family, 'rate.exceeded');
        expect(a.headers['x-rate-limit-remaining']).toBe('0');
      }
    });
  });

  describe('5xx from the dispatcher\'s real condition', () => {
    const push = { platform: 'all', audience: 'all', notification: { alert: 'hi' } };

    it('500 when the dispatcher\'s store is corrupt, with nothing of the failure in the body', async () => {
      await svc.setUpState('the dispatcher fails unexpectedly');
      const a = await call(svc.url, 'POST', '/v3/push', { body: push, headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'push', 'upstream.failed');
      expect(a.json.error.message).toBe(contracts.codeFor('jpush-v3', 'push', 'upstream.failed')!.message);
      expect(a.text).not.toMatch(/corrupt|checksum|StoreCorrupt|\.ts:|stack/i);
      const device = await call(svc.url, 'GET', '/v4/devices/abc', { headers: authed() });
      expectEnvelope(device, 'mtpush-v4', 'device', 'upstream.failed');
      expectRateHeaders(device);
    });

    it('502 when nobody listens at the dispatcher\'s socket, and 200 again once it is back', async () => {
      await svc.setUpState('the dispatcher is down');
      // Its socket is in a directory of this process's own: nobody else can listen there meanwhile.
      expect((fs.statSync(path.dirname(svc.dispatcher.path)).mode & 0o077)).toBe(0);
      const refused = await new Promise<string | undefined>((resolve) => {
        const socket = net.connect(svc.dispatcher.path);
        socket.once('connect', () => { socket.destroy(); resolve(undefined); });
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      });
      expect(refused).toBe('ENOENT');
      const a = await call(svc.url, 'POST', '/v3/push', { body: push, headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'push', 'upstream.unreachable');
      await svc.dispatcher.start();
      expect((await call(svc.url, 'POST', '/v3/push', { body: push, headers: authed() })).status).toBe(200);
    });

    it('503 when the dispatcher\'s queue is full', async () => {
      await svc.setUpState("the dispatcher's queue is full");
      expect(svc.dispatcher.queue.length).toBe(svc.dispatcher.queue.capacity);
      const a = await call(svc.url, 'POST', '/v4/push', { body: { to: 'all', body: { platform: 'all', notification: { alert: 'x' } } }, headers: authed() });
      expectEnvelope(a, 'mtpush-v4', 'push', 'upstream.overloaded');
    });

    it('503 while the dispatcher is in maintenance', async () => {
      svc.dispatcher.setMaintenance(true);
      const a = await call(svc.url, 'GET', '/v3/schedules', { headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'schedule', 'upstream.overloaded');
    });

    it('504 when the dispatcher answers after the gateway\'s deadline', async () => {
      await svc.setUpState('the dispatcher is slow');
      expect(svc.dispatcher.delayMs).toBeGreaterThan(svc.deadlineMs);
      const started = Date.now();
      const a = await call(svc.url, 'POST', '/v3/push', { body: push, headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'push', 'upstream.timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(svc.deadlineMs - 5);
    });
  });

  describe('requests Fastify would answer itself', () => {
    it('answers a malformed URL escape in the API envelope', async () => {
      const a = await call(svc.url, 'GET', '/v3/devices/%E0%A4%A', { headers: authed() });
      expect(a.status).toBe(400);
      expect(contracts.validate(contracts.apis['jpush-v3'].errorEnvelope, a.json).valid).toBe(true);
    });

    it('answers an empty push body as missing parameters', async () => {
      const a = await call(svc.url, 'POST', '/v3/push', { headers: authed() });
      expectEnvelope(a, 'jpush-v3', 'push', 'request.missing-parameter');
    });

    it('answers a non-JSON content type by reading the body as JSON anyway', async () => {
      const a = await call(svc.url, 'POST', '/v3/push', { raw: JSON.stringify({ platform: 'all', audience: 'all', notification: { alert: 'x' } }), headers: authed({ 'content-type': 'text/plain' }) });
      expect(a.status).toBe(200);
    });
  });
});

describe('startReferenceService', () => {
  it('refuses the pact placeholder credentials as its app', async () => {
    await expect(startReferenceService({ credentials: PLACEHOLDER_CREDENTIALS })).rejects.toMatchObject({ code: 'PC_ERR_SERVICE_START' });
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 31])('refuses a dispatcher deadline of %s ms, which no timer could keep', async (deadlineMs) => {
    await expect(startReferenceService({ dispatcher: { deadlineMs } })).rejects.toMatchObject({ code: 'PC_ERR_SERVICE_START', message: expect.stringContaining('dispatcher.deadlineMs') });
  });

  it('accepts the credentials it is given and no others', async () => {
    const creds = { appKey: 'abcdefghijklmnopqrstuvwx', masterSecret: '0123456789abcdefghijklmn' };
    const svc = await startReferenceService({ credentials: creds });
    try {
      expect((await call(svc.url, 'GET', '/v3/tags', { headers: { authorization: basicAuth(creds) } })).status).toBe(200);
      expect((await call(svc.url, 'GET', '/v3/tags', { headers: { authorization: AUTH } })).status).toBe(401);
    } finally {
      await svc.close();
    }
  });

  it('reports a port in use as PC_ERR_SERVICE_START', async () => {
    const first = await startReferenceService();
    try {
      await expect(startReferenceService({ port: first.port })).rejects.toMatchObject({ code: 'PC_ERR_SERVICE_START' });
    } finally {
      await first.close();
    }
  });
});
