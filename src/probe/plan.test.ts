import { getContracts } from '../contracts/load';
import type { ApiId } from '../contracts/types';
import { planProbe, wrongMethodFor, UNKNOWN_PATH_SEGMENT } from './plan';
import { successIsReadOnly } from './request';

const contracts = getContracts();
const apis = Object.keys(contracts.apis) as ApiId[];

describe('planProbe', () => {
  describe.each(apis)('%s', (api) => {
    // Group credentials given, so group push is planned like any endpoint; without them, see the next test.
    const plan = planProbe(contracts, { api, groupCredentials: true });

    it('leaves group push\'s authenticated cases out without group credentials, saying which and why', () => {
      const bare = planProbe(contracts, { api });
      const group = contracts.endpoints(api).filter((e) => e.auth === 'group');
      expect(group.length).toBeGreaterThan(0);
      for (const e of group) {
        const cases = bare.cases.filter((c) => c.endpoint === e);
        expect(cases.every((c) => c.request.auth !== 'valid' || c.request.principal !== 'group')).toBe(true);
        expect(cases.some((c) => c.kind === 'auth')).toBe(true);
        expect(bare.notCovered.filter((n) => n.endpoint === e.id && n.status === 400).map((n) => n.reason)).toEqual(e.elicit.badRequests.map(() => expect.stringContaining('PUSH_GROUP_KEY')));
      }
    });

    it('crafts no-credential and wrong-credential 401s on every endpoint, expecting the family\'s own code', () => {
      for (const e of contracts.endpoints(api)) {
        const auth = plan.cases.filter((c) => c.endpoint === e && c.kind === 'auth');
        expect(auth.map((c) => c.request.auth).sort()).toEqual(['none', 'wrong']);
        for (const c of auth) {
          expect(c.expect.status).toBe(401);
          expect(contracts.apis[api].families[e.family].authFailureCodes).toEqual(expect.arrayContaining([...c.expect.acceptedCodes]));
        }
      }
    });

    it('sends a 405 with a method the catalogue defines on no matching template', () => {
      for (const c of plan.cases.filter((x) => x.kind === 'method')) {
        expect(contracts.resolve(c.request.method, c.request.path).kind).toBe('method-not-allowed');
        expect(c.request.method).not.toBe(c.endpoint?.method);
        expect(c.expect.status).toBe(contracts.codeFor(api, c.family!, 'method.not-allowed')?.status);
      }
    });

    it('turns every catalogued bad request into a case expecting the code of its cause', () => {
      for (const e of contracts.endpoints(api)) {
        const bad = plan.cases.filter((c) => c.endpoint === e && c.kind === 'bad-request');
        expect(bad.map((c) => c.expect.cause)).toEqual(e.elicit.badRequests.map((b) => b.cause));
        for (const c of bad) expect(c.expect.code?.code).toBe(contracts.codeFor(api, e.family, c.expect.cause!)?.code);
      }
    });

    it('probes 404 on the missing resources the catalogue names', () => {
      for (const e of contracts.endpoints(api).filter((x) => x.elicit.notFound)) {
        const nf = plan.cases.find((c) => c.endpoint === e && c.kind === 'not-found');
        expect(nf?.expect.status).toBe(404);
        for (const v of Object.values(e.elicit.notFound!)) expect(nf?.request.path).toContain(v);
      }
    });

    it('probes an unknown path and every retired endpoint', () => {
      const unknown = plan.cases.find((c) => c.kind === 'unknown-path');
      expect(unknown?.request.path).toBe(`${contracts.apis[api].pathPrefix}/${UNKNOWN_PATH_SEGMENT}`);
      expect(contracts.resolve('GET', unknown!.request.path).kind).toBe('unknown');
      const retired = plan.cases.filter((c) => c.kind === 'retired');
      expect(retired.map((c) => c.request.path)).toEqual(contracts.apis[api].retired.map((r) => r.path));
      for (const c of retired) expect(c.expect.status).toBe(410);
    });

    it('never plans a success on an endpoint whose success writes, unless writes are allowed', () => {
      const writes = contracts.endpoints(api).filter((e) => !successIsReadOnly(e));
      expect(writes.length).toBeGreaterThan(0);
      for (const e of writes) {
        expect(plan.cases.some((c) => c.endpoint === e && c.kind === 'success')).toBe(false);
        expect(plan.notCovered.find((n) => n.endpoint === e.id && n.status === 200)?.reason).toMatch(/--allow-writes/);
      }
      const allowed = planProbe(contracts, { api, groupCredentials: true, allowWrites: true, ids: { registration_id: 'r1', alias: 'a1', schedule_id: 's1', msg_id: '9', plan_id: 'p1', file_id: 'f1', media_id: 'm1', group_msgid: 'g1' } });
      for (const e of writes) expect(allowed.cases.some((c) => c.endpoint === e && c.kind === 'success')).toBe(true);
    });

    it('reports a success that needs a provider state as not covered, naming the option that supplies it', () => {
      for (const e of contracts.endpoints(api).filter((x) => x.elicit.success?.state && successIsReadOnly(x))) {
        expect(plan.cases.some((c) => c.endpoint === e && c.kind === 'success')).toBe(false);
        expect(plan.notCovered.find((n) => n.endpoint === e.id && n.status === 200)?.reason).toMatch(/--[a-z-]+-?id|--alias/);
      }
    });

    it('lists every catalogued status of every endpoint as either a case or not covered', () => {
      for (const e of contracts.endpoints(api)) {
        for (const s of e.statuses) {
          const planned = plan.cases.some((c) => c.endpoint === e && c.expect.status === s);
          const skipped = plan.notCovered.some((n) => n.endpoint === e.id && n.status === s);
          expect({ endpoint: e.id, status: s, accounted: planned || skipped }).toEqual({ endpoint: e.id, status: s, accounted: true });
        }
      }
    });
  });

  it('reports the 410 of an endpoint the operator takes offline as not covered, naming the provider state it needs', () => {
    for (const api of apis) {
      const plan = planProbe(contracts, { api });
      for (const e of contracts.endpoints(api).filter((x) => x.elicit.offline)) {
        const gap = plan.notCovered.find((n) => n.endpoint === e.id && n.status === 410);
        expect(gap).toMatchObject({ cause: 'endpoint.offline', reason: expect.stringContaining("'the endpoint is taken offline by the operator'") });
      }
    }
  });

  it('lists every out-of-scope endpoint of a whole-API probe as not covered with its reason, and none when endpoints are picked', () => {
    for (const api of apis) {
      const whole = planProbe(contracts, { api });
      for (const o of contracts.apis[api].outOfScope) {
        expect(whole.notCovered).toContainEqual(expect.objectContaining({ api, endpoint: null, reason: expect.stringContaining(`out of scope, not catalogued: ${o.methods.join(', ')} ${o.path}`) }));
      }
      const picked = planProbe(contracts, { api, endpoints: [contracts.endpoints(api)[0].id] });
      expect(picked.notCovered.filter((n) => n.reason.startsWith('out of scope'))).toEqual([]);
    }
    expect(contracts.apis['jpush-v3'].outOfScope.length).toBeGreaterThan(0);
  });

  it('puts the caller\'s ids into the success request in place of the example ids', () => {
    const plan = planProbe(contracts, { api: 'jpush-v3', endpoints: ['device.get', 'report.received'], ids: { registration_id: 'myRid01', msg_id: '777' } });
    const get = plan.cases.find((c) => c.endpoint?.id === 'device.get' && c.kind === 'success');
    expect(get?.request.path).toBe('/v3/devices/myRid01');
    expect(get?.providerStates).toEqual(['a device exists']);
    const received = plan.cases.find((c) => c.endpoint?.id === 'report.received' && c.kind === 'success');
    expect(received?.request.query).toEqual({ msg_ids: '777' });
  });

  it('keeps the example ids in error probes of write endpoints, so a lax service cannot change a real resource', () => {
    const plan = planProbe(contracts, { api: 'jpush-v3', endpoints: ['device.update'], ids: { registration_id: 'myRid01' } });
    const bad = plan.cases.find((c) => c.kind === 'bad-request');
    expect(bad?.request.path).not.toContain('myRid01');
    expect(bad?.expect.alternatives.map((a) => a.cause)).toContain('resource.not-found');
  });

  it('accepts the not-VIP 403 on a VIP-only endpoint unless --vip is given', () => {
    const vipOnly = contracts.endpoints('jpush-v3').find((e) => e.vipOnly && !e.sends)!;
    const notVip = planProbe(contracts, { api: 'jpush-v3', endpoints: [vipOnly.id], ids: { msg_id: '1' } });
    const ok = notVip.cases.find((c) => c.kind === 'success');
    expect(ok?.expect.alternatives).toEqual([expect.objectContaining({ status: 403, cause: 'app.not-vip' })]);
    const vip = planProbe(contracts, { api: 'jpush-v3', endpoints: [vipOnly.id], ids: { msg_id: '1' }, vip: true });
    expect(vip.cases.find((c) => c.kind === 'success')?.expect.alternatives).toEqual([]);
  });

  it('refuses an endpoint id the API does not define', () => {
    expect(() => planProbe(contracts, { api: 'mtpush-v4', endpoints: ['report.received'] })).toThrow(/PC_ERR_UNKNOWN_ENDPOINT|unknown endpoint/);
  });

  describe('#wrongMethodFor', () => {
    it('avoids a method another template would route (DELETE /v3/push/validate lands on withdraw)', () => {
      const wrong = wrongMethodFor(contracts, '/v3/push/validate');
      expect(wrong?.method).toBe('GET');
      expect(wrong?.method).not.toBe('DELETE');
    });
  });
});
