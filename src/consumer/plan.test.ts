import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { getContracts, type ApiId } from '../contracts';
import { basicAuth, WRONG_CREDENTIALS } from '../credentials';
import { PushContractsError } from '../errors';
import { interaction } from './builder';
import { catalogueCells, elicitableCauses, planCell, planInteraction, planRetired } from './plan';

const APIS: ApiId[] = ['jpush-v3', 'mtpush-v4'];

function error(fn: () => unknown): PushContractsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PushContractsError);
    return e as PushContractsError;
  }
  throw new Error('expected a PushContractsError');
}

describe('planInteraction', () => {
  it('plans every catalogued (endpoint, status) of both APIs, retired endpoints included, with unique descriptions', () => {
    const contracts = getContracts();
    for (const api of APIS) {
      const cells = catalogueCells(api);
      const expected = contracts.endpoints(api).reduce((n, e) => n + e.statuses.length, 0) + contracts.apis[api].retired.length;
      expect(cells).toHaveLength(expected);
      const descriptions = cells.map((c) => planCell(c).description);
      expect(new Set(descriptions).size).toBe(descriptions.length);
    }
  });

  it('plans, for each API, at least one interaction answering each of the twelve statuses of its status table', () => {
    const contracts = getContracts();
    for (const api of APIS) {
      const answered = new Set(catalogueCells(api).map((c) => planCell(c).response.status));
      expect({ api, missing: contracts.statuses.map((s) => s.code).filter((code) => !answered.has(code)) }).toEqual({ api, missing: [] });
    }
  });

  it('elicits a 410 on a live endpoint by taking it offline: the offline state names its method, path template and announcement', () => {
    const contracts = getContracts();
    for (const api of APIS) {
      const offline = contracts.endpoints(api).filter((e) => e.elicit.offline);
      expect(offline.length).toBeGreaterThan(0);
      for (const e of offline) {
        const plan = planInteraction(api, e.id, 410);
        expect(plan.cause).toBe('endpoint.offline');
        expect(plan.states).toContainEqual({ name: 'the endpoint is taken offline by the operator', params: { method: e.method, path: e.path, announcement: e.elicit.offline!.announcement } });
        expect(plan.example.credentials).toBe('valid');
        expect(plan.request.method).toBe(e.method);
      }
      // An endpoint the catalogue never takes offline cannot be asked for a 410.
      const live = contracts.endpoints(api).find((e) => !e.elicit.offline)!;
      expect(elicitableCauses(api, live.id, 410)).toEqual([]);
    }
  });

  it('sends, for a 200, the example request that the request schemas accept', () => {
    const contracts = getContracts();
    for (const e of contracts.endpoints()) {
      const { example } = planInteraction(e.api, e.id, 200);
      if (e.request.body) expect(contracts.validate(e.request.body, example.body).errors).toEqual([]);
      if (e.request.query) expect(contracts.validate(e.request.query, example.query ?? {}).errors).toEqual([]);
      if (e.request.params) expect(contracts.validate(e.request.params, example.params).errors).toEqual([]);
      const route = contracts.resolve(example.method, example.path);
      expect(route.kind === 'endpoint' && route.endpoint.id).toBe(e.id);
    }
  });

  it('answers each error with the envelope carrying the business code of the cause, matched by equality', () => {
    const plan = planInteraction('jpush-v3', 'device.get', 401);
    expect(plan.cause).toBe('auth.failed');
    expect(plan.businessCode?.code).toBe(getContracts().codeFor('jpush-v3', 'device', 'auth.failed')?.code);
    expect(MatchersV3.reify(plan.response.body)).toEqual({ error: { code: plan.businessCode?.code, message: plan.businessCode?.message } });
    expect(JSON.stringify(plan.response.body)).toContain('"pact:matcher:type":"equality"');
  });

  it('carries a regex around the placeholder for valid credentials, the wrong credentials verbatim for 401, nothing for auth.missing', () => {
    const ok = planInteraction('mtpush-v4', 'push', 200);
    expect(JSON.stringify(ok.request.headers.Authorization)).toContain('"pact:matcher:type":"regex"');
    expect(planInteraction('mtpush-v4', 'push', 401).request.headers).toEqual({ Authorization: basicAuth(WRONG_CREDENTIALS) });
    const missing = planInteraction('mtpush-v4', 'push', 401, { cause: 'auth.missing' });
    expect(missing.request.headers).toEqual({});
    expect(missing.example.credentials).toBe('none');
  });

  it('elicits 405 with a method the path refuses, 404 with the notFound params, 429 with rate-limit headers', () => {
    const contracts = getContracts();
    const notAllowed = planInteraction('jpush-v3', 'push', 405);
    expect(contracts.resolve(notAllowed.request.method, notAllowed.request.path).kind).toBe('method-not-allowed');
    expect(notAllowed.request.body).toBeUndefined();
    expect(planInteraction('mtpush-v4', 'schedules.get', 404).example.path).toBe('/v4/schedules/ffffffff-ffff-4fff-8fff-ffffffffffff');
    const limited = planInteraction('jpush-v3', 'tags.list', 429);
    expect(Object.keys(limited.response.headers ?? {}).sort()).toEqual(['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']);
    expect(limited.states.map((s) => s.name)).toContain(contracts.stateForCause('rate.exceeded')?.name);
  });

  it('applies the chosen badRequest mutation (here: repeated text over the byte limit)', () => {
    const plan = planInteraction('jpush-v3', 'push', 400, { cause: 'request.too-large' });
    const alert = (plan.example.body as { notification: { android: { alert: string } } }).notification.android.alert;
    expect(alert).toBe('x'.repeat(4001));
    expect(plan.businessCode?.status).toBe(400);
  });

  it('offers every cause of a status in preference order, without the malformed-JSON one Pact cannot carry', () => {
    const causes = elicitableCauses('jpush-v3', 'push', 400).map((c) => c.cause);
    expect(causes[0]).toBe('request.missing-parameter');
    expect(causes).not.toContain('request.malformed');
    expect(elicitableCauses('jpush-v3', 'report.messages', 403).map((c) => c.cause)).toContain('app.not-vip');
    expect(elicitableCauses('jpush-v3', 'push', 403).map((c) => c.cause)).not.toContain('app.not-vip');
  });

  it('refuses at run time what the types cannot see, naming what is allowed', () => {
    const status = 404 as number;
    const e1 = error(() => planInteraction('jpush-v3', 'tags.list', status));
    expect(e1.code).toBe('PC_ERR_NOT_CATALOGUED');
    expect(e1.message).toBe('jpush-v3 tags.list cannot answer 404; the catalogue allows 200, 401, 403, 405, 429, 500, 502, 503, 504');
    const e2 = error(() => interaction('jpush-v3', 'push', 403, { cause: 'app.not-vip' }));
    expect(e2.message).toBe('jpush-v3 push: no way to elicit 403 with cause app.not-vip; elicitable causes: app.blacklisted, app.ip-not-whitelisted');
    expect(error(() => planRetired('mtpush-v4', 'v2.push')).message).toBe("mtpush-v4 has no retired endpoint 'v2.push'; retired: none");
    expect(error(() => planInteraction('jpush-v3', 'push.nope', 200)).code).toBe('PC_ERR_UNKNOWN_ENDPOINT');
    expect(error(() => planInteraction('jpush-v3', 'push', 200, { cause: 'auth.failed' })).code).toBe('PC_ERR_NOT_CATALOGUED');
  });
});
