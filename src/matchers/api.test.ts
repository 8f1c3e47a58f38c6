import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { getContracts, RATE_LIMIT_HEADERS_SCHEMA, type ApiId } from '../contracts';
import { PushContractsError } from '../errors';
import { errorEnvelopeMatcher, rateLimitHeadersMatcher, successBodyMatcher } from './api';
import { matcherFromSchema } from './derive';

type Json = Record<string, any>;
const contracts = getContracts();

/** A catalogued business code of the API, read from contracts/ rather than written here. */
function someCode(api: ApiId): number {
  return contracts.apis[api].codeTables[0].codes[0].code;
}

function errorOf(fn: () => unknown): PushContractsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PushContractsError) return err;
    throw err;
  }
  throw new Error('expected a PushContractsError');
}

describe('errorEnvelopeMatcher', () => {
  it('builds the nested v3 envelope with the code by equality and the message by type', () => {
    const code = someCode('jpush-v3');
    const m = errorEnvelopeMatcher('jpush-v3', { code, message: 'Illegal parameter value' }) as Json;
    expect(m).toEqual({ error: { code: MatchersV3.equal(code), message: MatchersV3.string('Illegal parameter value') } });
    expect(contracts.validate(contracts.apis['jpush-v3'].errorEnvelope, MatchersV3.reify(m)).valid).toBe(true);
  });

  it('adds msg_id matched by its schema pattern', () => {
    const m = errorEnvelopeMatcher('jpush-v3', { code: someCode('jpush-v3'), message: 'm', msgId: '3125719446' }) as Json;
    expect(m.msg_id).toEqual(MatchersV3.regex('^[0-9]+$', '3125719446'));
  });

  it('builds the v4 envelope nested by default and flat on request', () => {
    const code = someCode('mtpush-v4');
    const nested = errorEnvelopeMatcher('mtpush-v4', { code, message: 'm' }) as Json;
    expect(nested.error.code).toEqual(MatchersV3.equal(code));
    const flat = errorEnvelopeMatcher('mtpush-v4', { code, message: 'm', shape: 'flat' }) as Json;
    expect(flat).toEqual({ code: MatchersV3.equal(code), message: MatchersV3.string('m') });
    for (const m of [nested, flat]) {
      expect(contracts.validate(contracts.apis['mtpush-v4'].errorEnvelope, MatchersV3.reify(m)).valid).toBe(true);
    }
  });

  it('refuses a flat v3 envelope, which the v3 envelope schema does not allow', () => {
    const err = errorOf(() => errorEnvelopeMatcher('jpush-v3', { code: someCode('jpush-v3'), message: 'm', shape: 'flat' }));
    expect(err.code).toBe('PC_ERR_EXAMPLE_INVALID');
    expect(err.message).toMatch(/jpush-v3 has no flat error envelope/);
  });

  it('refuses a business code that no code table of the API lists', () => {
    const known = new Set(contracts.apis['jpush-v3'].codeTables.flatMap((t) => t.codes.map((c) => c.code)));
    let unknown = 1;
    while (known.has(unknown)) unknown++;
    expect(errorOf(() => errorEnvelopeMatcher('jpush-v3', { code: unknown, message: 'm' })).code).toBe('PC_ERR_NOT_CATALOGUED');
  });
});

describe('successBodyMatcher', () => {
  const withBody = contracts.endpoints().filter((e) => e.success !== 'empty');
  const empty = contracts.endpoints().find((e) => e.success === 'empty');

  it.each(withBody.map((e) => [e.api, e.id, e.success] as const))('%s %s: derives from the first example of its success schema', (api, id, schema) => {
    const m = successBodyMatcher(api, id);
    const [first] = contracts.schema(schema).examples as unknown[];
    expect(m).toEqual(matcherFromSchema(schema, first));
    expect(contracts.validate(schema, MatchersV3.reify(m)).valid).toBe(true);
  });

  it('uses a given example instead', () => {
    const m = successBodyMatcher('jpush-v3', 'push', { sendno: '5', msg_id: '77' }) as Json;
    expect(m).toEqual({ sendno: MatchersV3.regex('^-?[0-9]+$', '5'), msg_id: MatchersV3.regex('^[0-9]+$', '77') });
  });

  it('throws for an endpoint whose success body is empty', () => {
    expect(empty).toBeDefined();
    expect(errorOf(() => successBodyMatcher(empty!.api, empty!.id)).code).toBe('PC_ERR_NOT_CATALOGUED');
  });
});

describe('rateLimitHeadersMatcher', () => {
  it('gives each header of the example a regex matcher with its value', () => {
    const [first] = contracts.schema(RATE_LIMIT_HEADERS_SCHEMA).examples as Array<Record<string, string>>;
    const m = rateLimitHeadersMatcher() as Record<string, Json>;
    expect(Object.keys(m).sort()).toEqual(Object.keys(first).sort());
    for (const [name, value] of Object.entries(first)) {
      expect(m[name]['pact:matcher:type']).toBe('regex');
      expect(m[name].value).toBe(value);
      expect(new RegExp(m[name].regex).test(value)).toBe(true);
      expect(new RegExp(m[name].regex).test('-1')).toBe(false);
    }
  });

  it('takes the alias header of a given example and refuses a non-numeric value', () => {
    const m = rateLimitHeadersMatcher({ 'x-rate-limit-quota': '10', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' });
    expect(Object.keys(m).sort()).toEqual(['x-rate-limit-quota', 'x-rate-limit-remaining', 'x-rate-limit-reset']);
    expect(errorOf(() => rateLimitHeadersMatcher({ 'x-rate-limit-limit': 'ten', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' })).code).toBe(
      'PC_ERR_EXAMPLE_INVALID',
    );
  });
});
