/**
 * Batch and group push over real HTTP: each item (cid, target, app of a group) succeeds or fails on its
 * own inside the 200, from the condition that fails it (a target no device has, an app that is
 * blacklisted); a failure of the whole request is still its status. Group push authenticates as the group,
 * and so do the group reports, which count what its pushes sent.
 */
import { getContracts } from '../contracts';
import { exampleRequest } from '../contracts/requests';
import { basicAuth, groupBasicAuth } from '../credentials';
import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, DEMO_GROUP_MEMBER, type ReferenceService } from './index';
import { httpCall } from '../../test-support/http';
import { startStatefulService } from '../../test-support/stateful-service';

const contracts = getContracts();
const APP = { authorization: basicAuth(DEMO_CREDENTIALS) };
const GROUP = { authorization: groupBasicAuth(DEMO_GROUP_CREDENTIALS) };
const GOOD = '1a0018970a1b2c3d4e5';
const UNKNOWN = '0000000000000000000';

/** The catalogue's second request example of an endpoint: one item to a known target, one to an unknown one. */
function goodAndBad(api: 'jpush-v3' | 'mtpush-v4', id: string): unknown {
  const schema = contracts.schema(contracts.endpoint(api, id).request.body as string) as { examples: unknown[] };
  return schema.examples[1];
}

function codeOf(api: 'jpush-v3' | 'mtpush-v4', cause: string): number | undefined {
  return contracts.codeFor(api, 'push', cause)?.code;
}

describe('batch and group push in the reference service', () => {
  let svc: ReferenceService;

  beforeAll(async () => {
    svc = await startStatefulService();
  });
  afterAll(async () => {
    await svc.close();
  });
  beforeEach(async () => {
    await svc.reset();
    await svc.setUpState('a device exists', { registration_id: GOOD });
    await svc.setUpState('an alias exists', { alias: 'alias_demo', registration_id: GOOD });
  });

  it('v3 batch by regid: the cid to a known device gets a msg_id, the cid to an unknown one its own 1011 envelope, in one 200', async () => {
    const body = goodAndBad('jpush-v3', 'push.batch-regid') as { pushlist: Record<string, { target: string }> };
    const [goodCid, badCid] = Object.keys(body.pushlist);
    expect(body.pushlist[badCid].target).toBe(UNKNOWN);
    const a = await httpCall(svc.url, 'POST', '/v3/push/batch/regid/single', { body, headers: APP });
    expect(a.status).toBe(200);
    expect(a.json[goodCid]).toEqual({ msg_id: expect.stringMatching(/^[0-9]+$/) });
    expect(a.json[badCid].error.code).toBe(codeOf('jpush-v3', 'request.no-target'));
    expect(a.json[badCid].error.message).toContain(UNKNOWN);
    expect(contracts.validate(contracts.endpoint('jpush-v3', 'push.batch-regid').success, a.json).errors).toEqual([]);
    // The good item was really sent: the store holds its message, and nothing for the bad one.
    expect(svc.dispatcher.store.holds(a.json[goodCid].msg_id)).toBe(true);
  });

  it('v3 batch by alias: an alias no device is bound to fails its cid alone', async () => {
    const body = goodAndBad('jpush-v3', 'push.batch-alias') as { pushlist: Record<string, { target: string }> };
    const [goodCid, badCid] = Object.keys(body.pushlist);
    const a = await httpCall(svc.url, 'POST', '/v3/push/batch/alias/single', { body, headers: APP });
    expect(a.status).toBe(200);
    expect(a.json[goodCid].msg_id).toMatch(/^[0-9]+$/);
    expect(a.json[badCid].error.code).toBe(codeOf('jpush-v3', 'request.no-target'));
  });

  it('v4 batch by regid: results keyed by target, success false with its own envelope for the unknown target', async () => {
    const a = await httpCall(svc.url, 'POST', '/v4/batch/push/regid', { body: goodAndBad('mtpush-v4', 'push.batch-regid'), headers: APP });
    expect(a.status).toBe(200);
    expect(a.json.results[GOOD]).toEqual({ target: GOOD, success: true, msg_id: expect.stringMatching(/^[0-9]+$/) });
    expect(a.json.results[UNKNOWN]).toMatchObject({ target: UNKNOWN, success: false, error: { code: codeOf('mtpush-v4', 'request.no-target') } });
    expect(contracts.validate(contracts.endpoint('mtpush-v4', 'push.batch-regid').success, a.json).errors).toEqual([]);
  });

  it('v4 batch: a target given twice fails the whole request with 400, not an item', async () => {
    const one = { target: GOOD, platform: 'all', notification: { alert: 'a' } };
    const a = await httpCall(svc.url, 'POST', '/v4/batch/push/regid', { body: { requests: [one, { ...one, notification: { alert: 'b' } }] }, headers: APP });
    expect(a.status).toBe(400);
    expect(a.json.error.code).toBe(codeOf('mtpush-v4', 'request.invalid-value'));
  });

  it('a whole-request failure of a batch is its status: a malformed pushlist is 400, wrong credentials 401', async () => {
    const bad = await httpCall(svc.url, 'POST', '/v3/push/batch/regid/single', { body: { pushlist: {} }, headers: APP });
    expect(bad.status).toBe(400);
    const unauth = await httpCall(svc.url, 'POST', '/v3/push/batch/regid/single', { body: goodAndBad('jpush-v3', 'push.batch-regid'), headers: GROUP });
    expect(unauth.status).toBe(401);
  });

  for (const [api, path] of [['jpush-v3', '/v3/grouppush'], ['mtpush-v4', '/v4/grouppush']] as const) {
    it(`${api} group push authenticates as group-<GroupKey> and answers one item per app of the group`, async () => {
      const body = exampleRequest(contracts, contracts.endpoint(api, 'push.group')).body;
      const json = body?.kind === 'json' ? body.value : undefined;
      const a = await httpCall(svc.url, 'POST', path, { body: json, headers: GROUP });
      expect(a.status).toBe(200);
      expect(a.json.group_msgid).toMatch(/^[0-9]+$/);
      for (const appKey of [DEMO_CREDENTIALS.appKey, DEMO_GROUP_MEMBER.appKey]) expect(a.json[appKey].msg_id).toMatch(/^[0-9]+$/);
      expect(contracts.validate(contracts.endpoint(api, 'push.group').success, a.json).errors).toEqual([]);
      // An app's own credentials are not a group's.
      const asApp = await httpCall(svc.url, 'POST', path, { body: json, headers: APP });
      expect(asApp.status).toBe(401);
      expect(asApp.json.error.code).toBe(codeOf(api, 'auth.failed'));
    });

    it(`${api} group push: a blacklisted app of the group fails its own item with its 403 code, the request is still 200`, async () => {
      await svc.setUpState('the app is blacklisted');
      const body = exampleRequest(contracts, contracts.endpoint(api, 'push.group')).body;
      const a = await httpCall(svc.url, 'POST', path, { body: body?.kind === 'json' ? body.value : undefined, headers: GROUP });
      expect(a.status).toBe(200);
      const code = contracts.codeFor(api, 'push', 'app.blacklisted');
      expect(code?.status).toBe(403);
      expect(a.json[DEMO_CREDENTIALS.appKey].error.code).toBe(code?.code);
      expect(contracts.validate(contracts.endpoint(api, 'push.group').success, a.json).errors).toEqual([]);
    });
  }

  it('group message statistics sum the messages a group push sent to each app of the group; a group_msgid never sent counts nothing', async () => {
    const body = exampleRequest(contracts, contracts.endpoint('jpush-v3', 'push.group')).body;
    const sent = await httpCall(svc.url, 'POST', '/v3/grouppush', { body: body?.kind === 'json' ? body.value : undefined, headers: GROUP });
    expect(sent.status).toBe(200);
    const reached = [DEMO_CREDENTIALS.appKey, DEMO_GROUP_MEMBER.appKey].map((k) => svc.dispatcher.store.message(sent.json[k].msg_id)?.targets.length ?? 0);
    expect(reached.every((n) => n > 0)).toBe(true);
    const unknown = 'neverSent42';
    const a = await httpCall(svc.url, 'GET', `/v3/group/messages/detail?group_msgids=${sent.json.group_msgid},${unknown}`, { headers: GROUP });
    expect(a.status).toBe(200);
    expect(contracts.validate(contracts.endpoint('jpush-v3', 'report.group-messages-detail').success, a.json).errors).toEqual([]);
    expect(a.json.map((r: { group_msgid: string; jpush: { target: number } }) => [r.group_msgid, r.jpush.target])).toEqual([[sent.json.group_msgid, reached[0] + reached[1]], [unknown, 0]]);
    // A group report takes the group's credentials, never an app's.
    const asApp = await httpCall(svc.url, 'GET', `/v3/group/messages/detail?group_msgids=${sent.json.group_msgid}`, { headers: APP });
    expect(asApp.status).toBe(401);
    expect(asApp.json.error.code).toBe(contracts.codeFor('jpush-v3', 'report', 'auth.failed')?.code);
  });

  it('group reports judge no app of the group: a blacklisted app does not refuse the group\'s user statistics', async () => {
    await svc.setUpState('the app is blacklisted');
    const a = await httpCall(svc.url, 'GET', '/v3/group/users?time_unit=DAY&start=2024-05-28&duration=2', { headers: GROUP });
    expect(a.status).toBe(200);
    expect(contracts.validate(contracts.endpoint('jpush-v3', 'report.group-users').success, a.json).errors).toEqual([]);
    expect(a.json.items).toHaveLength(2);
  });

  it('group credentials are not an app\'s: /v3/push refuses them with 401', async () => {
    const body = exampleRequest(contracts, contracts.endpoint('jpush-v3', 'push')).body;
    const a = await httpCall(svc.url, 'POST', '/v3/push', { body: body?.kind === 'json' ? body.value : undefined, headers: GROUP });
    expect(a.status).toBe(401);
  });
});
