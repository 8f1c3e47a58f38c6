import { getContracts, providerStateNames } from '../contracts';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS, DEMO_DEVICE, PROVIDER_STATES_PATH, type ReferenceService } from './index';
import { stateHandlers } from './provider-states';
import { conditionState, OFFLINE_CAUSE } from '../contracts/requests';
import { httpCall, type HttpAnswer } from '../../test-support/http';
import { startStatefulService } from '../../test-support/stateful-service';

const contracts = getContracts();
const AUTH = { authorization: basicAuth(DEMO_CREDENTIALS) };

function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return typeof body === 'string' ? httpCall(base, method, path, { raw: body, headers }) : httpCall(base, method, path, { body, headers });
}

describe('provider states', () => {
  let svc: ReferenceService;
  const change = (state: string, params: unknown = {}, action?: string) => call(svc.url, 'POST', PROVIDER_STATES_PATH, { state, params, ...(action ? { action } : {}) });

  beforeAll(async () => {
    svc = await startStatefulService();
  });
  afterAll(async () => {
    await svc.close();
  });
  afterEach(async () => {
    await svc.reset();
  });

  it('has a handler for every catalogued state and for nothing else', () => {
    expect(Object.keys(stateHandlers).sort()).toEqual(contracts.providerStates.map((s) => s.name).sort());
    expect([...providerStateNames].sort()).toEqual(contracts.providerStates.map((s) => s.name).sort());
  });

  // The VIP condition only shows on a VIP-only endpoint, the offline switch on an endpoint the catalogue
  // takes offline (with the params the catalogue gives); every other condition shows on a push.
  const vipOnly = contracts.endpoints('jpush-v3').find((e) => e.vipOnly && e.request.query && !e.request.body)!;
  const offlineable = contracts.endpoints('jpush-v3').find((e) => e.elicit.offline)!;
  const probeFor = (cause: string) => (cause === 'app.not-vip'
    ? { method: vipOnly.method, path: `${vipOnly.path}?msg_ids=1`, body: undefined, family: vipOnly.family, params: {} }
    : cause === OFFLINE_CAUSE
      ? { method: offlineable.method, path: `${offlineable.path}?msg_ids=1`, body: undefined, family: offlineable.family, params: conditionState(contracts, offlineable, cause)!.params }
      : { method: 'POST', path: '/v3/push', body: { platform: 'all', audience: 'all', notification: { alert: 'x' } }, family: 'push', params: {} });

  it.each(contracts.providerStates.filter((s) => s.kind === 'condition').map((s) => [s.name, s.cause!] as const))(
    "condition state '%s' sets up %s, and teardown restores a clean service",
    async (name, cause) => {
      const probe = probeFor(cause);
      expect((await change(name, probe.params, 'setup')).status).toBe(200);
      const a = await call(svc.url, probe.method, probe.path, probe.body, AUTH);
      const expected = contracts.codeFor('jpush-v3', probe.family, cause)!;
      expect({ status: a.status, code: a.json.error?.code }).toEqual({ status: expected.status, code: expected.code });
      expect((await change(name, {}, 'teardown')).status).toBe(200);
      const after = await call(svc.url, probe.method, probe.path, probe.body, AUTH);
      expect(after.status).toBe(200);
    },
  );

  it('takes only the named route offline: 410 with the announcement after authentication, the same path with another method and other routes stay live', async () => {
    const announcement = 'GET /v4/devices/{registration_id} is offline for maintenance; see the status page.';
    await change('a device exists', { registration_id: 'rid0003' });
    expect((await change('the endpoint is taken offline by the operator', { method: 'GET', path: '/v4/devices/{registration_id}', announcement })).status).toBe(200);
    const gone = await call(svc.url, 'GET', '/v4/devices/rid0003', undefined, AUTH);
    const code = contracts.codeFor('mtpush-v4', 'device', 'endpoint.offline')!;
    expect({ status: gone.status, code: gone.json.error?.code }).toEqual({ status: 410, code: code.code });
    expect(gone.json.error.message).toContain(announcement);
    // Counted against the app's window like any authenticated call, so the headers are there.
    expect(gone.headers['x-rate-limit-remaining']).toMatch(/^[0-9]+$/);
    // Credentials are checked first: a caller with wrong ones learns nothing about the route.
    expect((await call(svc.url, 'GET', '/v4/devices/rid0003', undefined, { authorization: 'Basic d3Jvbmc6d3Jvbmc=' })).status).toBe(401);
    expect((await call(svc.url, 'POST', '/v4/devices/rid0003', { alias: 'x' }, AUTH)).status).toBe(200);
    expect((await call(svc.url, 'GET', '/v3/devices/rid0003', undefined, AUTH)).status).toBe(200);
  });

  it('refuses an offline switch without its params, naming the missing one', async () => {
    const a = await change('the endpoint is taken offline by the operator', { method: 'GET', path: '/v4/tags' });
    expect(a.status).toBe(400);
    expect(a.json.error.message).toContain("missing param 'announcement'");
  });

  it('creates a device with tag_demo and alias_demo for "a device exists"', async () => {
    expect((await change('a device exists', { registration_id: 'rid0001' })).json).toEqual({ registration_id: 'rid0001' });
    const example = (contracts.schema(contracts.endpoint('jpush-v3', 'device.get').success) as { examples: unknown[] }).examples[0];
    expect((await call(svc.url, 'GET', '/v3/devices/rid0001', undefined, AUTH)).json).toEqual(example);
    expect(example).toMatchObject({ tags: ['tag_demo'], alias: 'alias_demo' });
    expect((await call(svc.url, 'GET', '/v4/aliases/alias_demo', undefined, AUTH)).json).toEqual({ registration_ids: ['rid0001'] });
  });

  it('binds the alias for "an alias exists"', async () => {
    await change('an alias exists', { alias: 'bob', registration_id: 'rid0002' });
    expect((await call(svc.url, 'GET', '/v3/aliases/bob', undefined, AUTH)).json).toEqual({ registration_ids: ['rid0002'] });
  });

  it('creates the schedule in both APIs for "a schedule exists"', async () => {
    const id = '0eac1b80-c2ac-4b69-948b-c65b34b96512';
    await change('a schedule exists', { schedule_id: id });
    for (const [prefix, api] of [['/v3', 'jpush-v3'], ['/v4', 'mtpush-v4']] as const) {
      const a = await call(svc.url, 'GET', `${prefix}/schedules/${id}`, undefined, AUTH);
      expect(a.status).toBe(200);
      expect(contracts.validate(contracts.endpoint(api, 'schedules.get').success, a.json).errors).toEqual([]);
    }
  });

  it('makes a message withdrawable once for "a message was sent"', async () => {
    await change('a message was sent', { msg_id: '1828256757' });
    expect((await call(svc.url, 'DELETE', '/v4/push/withdraw/1828256757', undefined, AUTH)).json).toEqual({ request_id: '', msg_id: '1828256757' });
    expect((await call(svc.url, 'DELETE', '/v4/push/withdraw/1828256757', undefined, AUTH)).status).toBe(400);
  });

  it('restarts a stopped dispatcher and re-seeds the demo data on teardown', async () => {
    await change('the dispatcher is down');
    expect(svc.dispatcher.running).toBe(false);
    await change('a device exists', { registration_id: 'rid0003' }, 'teardown');
    expect(svc.dispatcher.running).toBe(true);
    expect((await call(svc.url, 'GET', `/v3/devices/${DEMO_DEVICE.registrationId}`, undefined, AUTH)).status).toBe(200);
    expect((await call(svc.url, 'GET', '/v3/devices/rid0003', undefined, AUTH)).status).toBe(404);
  });

  it('stacks several states for one interaction (setup does not reset)', async () => {
    await change('a device exists', { registration_id: 'rid0004' });
    await change('the app is not VIP');
    expect((await call(svc.url, 'GET', '/v3/devices/rid0004', undefined, AUTH)).status).toBe(200);
    expect((await call(svc.url, 'GET', '/v3/messages?msg_ids=1', undefined, AUTH)).status).toBe(403);
  });

  it('defaults the action to setup', async () => {
    expect((await call(svc.url, 'POST', PROVIDER_STATES_PATH, { state: 'the app is blacklisted' })).status).toBe(200);
    expect((await call(svc.url, 'GET', '/v3/tags', undefined, AUTH)).status).toBe(403);
  });

  it('accepts the empty state pact\'s verifier sends for an interaction without states, changing nothing', async () => {
    const a = await call(svc.url, 'POST', PROVIDER_STATES_PATH, { state: '', params: {}, action: 'setup' });
    expect(a.status).toBe(200);
    expect((await call(svc.url, 'GET', '/v3/tags', undefined, AUTH)).status).toBe(200);
  });

  it('answers an unknown state with PC_ERR_UNKNOWN_STATE and a malformed change with PC_ERR_STATE_SETUP_FAILED', async () => {
    expect((await change('the moon is full')).json.error.code).toBe('PC_ERR_UNKNOWN_STATE');
    expect((await change('a device exists', {})).json.error.code).toBe('PC_ERR_STATE_SETUP_FAILED');
  });

  it.each([
    [{ state: 'the moon is full', params: {} }, /unknown provider state 'the moon is full'/],
    [{ state: 'a device exists', params: {} }, /'a device exists': missing param 'registration_id'/],
    [{ state: 'a device exists', params: { registration_id: 'not~valid' } }, /'a device exists': param \/registration_id/],
    [{ state: 'a device exists', params: { registration_id: 'a', extra: 1 } }, /unknown param 'extra'/],
    [{ state: 'a device exists', params: { registration_id: 'a' }, action: 'explode' }, /unknown action 'explode'/],
    [{ params: {} }, /'state' must be a string/],
    [[1, 2], /must be a JSON object/],
    ['{"state": ', /not well-formed JSON/],
  ])('refuses %j with a 400 JSON error naming the problem', async (body, message) => {
    const a = await call(svc.url, 'POST', PROVIDER_STATES_PATH, body);
    expect(a.status).toBe(400);
    expect(a.json.error.message).toMatch(message);
  });

  it('refuses an unknown state in-process too', async () => {
    await expect(svc.setUpState('nope' as never)).rejects.toMatchObject({ code: 'PC_ERR_UNKNOWN_STATE' });
  });
});

