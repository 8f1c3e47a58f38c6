import * as fs from 'node:fs';
import * as path from 'node:path';
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { Contracts, defaultContractsDir, getContracts, SCHEMA_BASE } from '../contracts';
import { PushContractsError } from '../errors';
import { deriveMatcher, matcherFromSchema } from './derive';
import { tempDir } from '../../test-support/temp-dir';

type Json = Record<string, any>;

const contracts = getContracts();

/** A schema that exercises every mapping the contracts' own schemas do not (or not in isolation). */
const MAPPING_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `${SCHEMA_BASE}test/mapping.json`,
  type: 'object',
  required: ['count'],
  properties: {
    count: { type: 'integer' },
    ratio: { type: 'number' },
    flag: { type: 'boolean' },
    name: { type: 'string' },
    digits: { type: 'string', pattern: '^\\d+$' },
    lookahead: { type: 'string', pattern: '^(?=.*[0-9])[a-z0-9]+$' },
    mode: { type: 'string', enum: ['a.b', 'c|d'] },
    level: { enum: [1, 2, 3] },
    fixed: { const: 'v1' },
    maybe: { type: ['integer', 'null'] },
    abs: { $ref: `${SCHEMA_BASE}jpush-v3/push.response.json#/$defs/msgIdString` },
    merged: {
      type: 'object',
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } } },
        { type: 'object', required: ['b'], properties: { b: { type: 'integer' } } },
      ],
    },
    pair: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 5 },
    uniquePair: { type: 'array', items: { type: 'string' }, minItems: 2, uniqueItems: true },
    counts: { type: 'object', additionalProperties: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
    either: {
      oneOf: [
        { type: 'string', pattern: '^[0-9]+$' },
        { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
      ],
    },
  },
  examples: [{ count: 1 }],
};
const MAPPING = 'test/mapping.json';

let fixture: Contracts;
let fixtureDir: string;

beforeAll(() => {
  fixtureDir = tempDir('push-contracts-matchers-');
  fs.cpSync(defaultContractsDir, fixtureDir, { recursive: true });
  fs.mkdirSync(path.join(fixtureDir, 'schemas', 'test'));
  fs.writeFileSync(path.join(fixtureDir, 'schemas', 'test', 'mapping.json'), JSON.stringify(MAPPING_SCHEMA));
  fixture = new Contracts(fixtureDir);
});


/** The matcher derived for one property of the mapping schema. */
function prop(key: string, value: unknown): Json {
  const { matcher } = deriveMatcher(MAPPING, { count: 1, [key]: value }, { contracts: fixture });
  return (matcher as Json)[key];
}

function expectError(fn: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PushContractsError);
  expect((caught as PushContractsError).code).toBe(code);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe('matcherFromSchema', () => {
  describe('every schema of contracts/', () => {
    const cases = [...contracts.schemaFiles.entries()]
      .filter(([, file]) => file.startsWith('schemas/'))
      .flatMap(([id, file]) => ((contracts.schema(id).examples as unknown[] | undefined) ?? []).map((example, i) => [file, i, id, example] as const));

    it('covers every schema file with at least one example', () => {
      const files = [...contracts.schemaFiles.values()].filter((f) => f.startsWith('schemas/'));
      expect(files.length).toBeGreaterThan(0);
      expect(new Set(cases.map(([file]) => file))).toEqual(new Set(files));
    });

    it.each(cases)('%s example %i: the reified matcher validates against its schema', (_file, _i, id, example) => {
      const matcher = matcherFromSchema(id, example);
      // Only an empty example leaves nothing to match by rule.
      if (JSON.stringify(example) !== '{}') expect(JSON.stringify(matcher)).toContain('pact:matcher:type');
      const result = contracts.validate(id, MatchersV3.reify(matcher));
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    });
  });

  describe('scalar types', () => {
    it('matches integer, number, boolean and string by type with the example value', () => {
      const { matcher } = deriveMatcher(MAPPING, { count: 7, ratio: 1.5, flag: false, name: 'n' }, { contracts: fixture });
      expect(matcher).toEqual({
        count: MatchersV3.integer(7),
        ratio: MatchersV3.number(1.5),
        flag: MatchersV3.boolean(false),
        name: MatchersV3.string('n'),
      });
    });

    it('uses number(), not decimal(), for a whole example of type number, which decimal() would reject', () => {
      expect(prop('ratio', 2)).toEqual(MatchersV3.number(2));
    });
  });

  describe('pattern', () => {
    it('becomes a regex matcher in Rust syntax with the example value', () => {
      expect(prop('digits', '42')).toEqual(MatchersV3.regex('^[0-9]+$', '42'));
    });

    it('is taken from a $ref target in another document', () => {
      expect(prop('abs', '123')).toEqual(MatchersV3.regex('^[0-9]+$', '123'));
    });

    it('falls back to a string type matcher with a note when Rust cannot run it (lookaround)', () => {
      const { matcher, notes } = deriveMatcher(MAPPING, { count: 1, lookahead: 'ab1' }, { contracts: fixture });
      expect((matcher as Json).lookahead).toEqual(MatchersV3.string('ab1'));
      expect(notes).toEqual([{ pointer: '/lookahead', message: expect.stringMatching(/lookaround/) }]);
    });

    it('rejects an example the pattern does not match', () => {
      expectError(() => prop('digits', '4a'), 'PC_ERR_EXAMPLE_INVALID');
    });

    it('maps a real contracts pattern (push sendno) to a regex', () => {
      const m = matcherFromSchema('jpush-v3/push.response.json', { sendno: '-3', msg_id: '9' }) as Json;
      expect(m.sendno).toEqual(MatchersV3.regex('^-?[0-9]+$', '-3'));
    });
  });

  describe('enum and const', () => {
    it('turns a string enum into an anchored regex of escaped alternatives', () => {
      const m = prop('mode', 'c|d');
      expect(m['pact:matcher:type']).toBe('regex');
      expect(m.value).toBe('c|d');
      const re = new RegExp(m.regex);
      expect(['a.b', 'c|d'].map((s) => re.test(s))).toEqual([true, true]);
      expect(['axb', 'c', 'd', 'a.bc', 'xa.b'].map((s) => re.test(s))).toEqual([false, false, false, false, false]);
    });

    it('matches a non-string enum by equality, since a type matcher would admit values outside it', () => {
      expect(prop('level', 2)).toEqual(MatchersV3.equal(2));
    });

    it('matches const by equality', () => {
      expect(prop('fixed', 'v1')).toEqual(MatchersV3.equal('v1'));
      const [example] = contracts.schema('jpush-v3/schedule.request.json').examples as Json[];
      expect((matcherFromSchema('jpush-v3/schedule.request.json', example) as Json).enabled).toEqual(MatchersV3.equal(true));
    });
  });

  describe('nullable types', () => {
    it('gives nullValue() for a null example and the type matcher otherwise', () => {
      expect(prop('maybe', null)).toEqual(MatchersV3.nullValue());
      expect(prop('maybe', 5)).toEqual(MatchersV3.integer(5));
    });

    it('does so inside the contracts received report', () => {
      const list = matcherFromSchema('jpush-v3/received.response.json', [{ msg_id: '1', android_received: null, ios_apns_sent: 4 }]) as Json;
      expect(list.value[0].android_received).toEqual(MatchersV3.nullValue());
      expect(list.value[0].ios_apns_sent).toEqual(MatchersV3.integer(4));
    });
  });

  describe('oneOf / anyOf', () => {
    it('follows the branch the example validates against', () => {
      expect(prop('either', '12')).toEqual(MatchersV3.regex('^[0-9]+$', '12'));
      expect(prop('either', { id: 3 })).toEqual({ id: MatchersV3.integer(3) });
    });

    it('picks the const branch or the array branch of the push platform', () => {
      const example = (platform: unknown): Json =>
        matcherFromSchema('jpush-v3/push.request.json', { platform, audience: 'all', notification: { alert: 'x' } }) as Json;
      expect(example('all').platform).toEqual(MatchersV3.equal('all'));
      const list = example(['ios', 'android']).platform;
      expect(list['pact:matcher:type']).toBe('type');
      expect(list.min).toBe(1);
      expect(list.value[0]).toEqual(MatchersV3.regex('^(?:android|ios|hmos|quickapp|winphone)$', 'ios'));
    });

    it('picks the v4 envelope branch by shape', () => {
      const flat = matcherFromSchema('common/error-envelope.v4.json', { code: 21003, message: 'm' }) as Json;
      expect(flat).toEqual({ code: MatchersV3.integer(21003), message: MatchersV3.string('m') });
      const nested = matcherFromSchema('common/error-envelope.v4.json', { error: { code: 21003, message: 'm' } }) as Json;
      expect(nested.error.code).toEqual(MatchersV3.integer(21003));
    });

    it('chooses the msg_id type by the example where the schema allows string or integer', () => {
      const env = (msgId: unknown): Json =>
        matcherFromSchema('common/error-envelope.v3.json', { error: { code: 1, message: 'm' }, msg_id: msgId }) as Json;
      expect(env('77').msg_id).toEqual(MatchersV3.regex('^[0-9]+$', '77'));
      expect(env(77).msg_id).toEqual(MatchersV3.integer(77));
    });
  });

  describe('arrays', () => {
    it('uses eachLike on the first item with min = minItems (and max = maxItems)', () => {
      const m = prop('pair', [3, 4, 5]);
      expect(m).toEqual(MatchersV3.constrainedArrayLike(MatchersV3.integer(3), 2, 5, 2));
      expect(MatchersV3.reify(m)).toEqual([3, 3]);
    });

    it('uses min 1 when the schema has no minItems', () => {
      const list = (matcherFromSchema('jpush-v3/push.request.json', {
        platform: 'all',
        audience: { alias: ['a', 'b'] },
        notification: { alert: 'x' },
      }) as Json).audience.alias;
      expect(list.min).toBe(1);
      expect(list.max).toBe(1000);
      expect(list.value).toEqual([MatchersV3.string('a')]);
    });

    it('matches an empty example array by equality on []', () => {
      const m = (matcherFromSchema('jpush-v3/device-update.request.json', { tags: { add: ['t'], remove: [] } }) as Json).tags;
      expect(m.remove).toEqual(MatchersV3.equal([]));
    });

    it('keeps the items one by one when uniqueItems needs more than one (eachLike would repeat one item)', () => {
      const { matcher, notes } = deriveMatcher(MAPPING, { count: 1, uniquePair: ['x', 'y'] }, { contracts: fixture });
      expect((matcher as Json).uniquePair).toEqual([MatchersV3.string('x'), MatchersV3.string('y')]);
      expect(notes.map((n) => n.pointer)).toEqual(['/uniquePair']);
    });
  });

  describe('objects', () => {
    it('derives nested objects property by property, only the example properties', () => {
      const m = matcherFromSchema('jpush-v3/push.request.json', {
        platform: 'all',
        audience: 'all',
        notification: { android: { alert: 'a', builder_id: 2, extras: { k: 1 } } },
      }) as Json;
      expect(Object.keys(m)).toEqual(['platform', 'audience', 'notification']);
      expect(m.notification.android).toEqual({
        alert: MatchersV3.string('a'),
        builder_id: MatchersV3.integer(2),
        extras: MatchersV3.like({ k: 1 }),
      });
    });

    it('merges allOf branches', () => {
      expect(prop('merged', { a: 's', b: 2 })).toEqual({ a: MatchersV3.string('s'), b: MatchersV3.integer(2) });
    });

    it('refuses an example that lacks a required property', () => {
      expectError(() => prop('merged', { a: 's' }), 'PC_ERR_EXAMPLE_INVALID');
      expectError(() => matcherFromSchema('jpush-v3/push.response.json', { sendno: '1' }), 'PC_ERR_EXAMPLE_INVALID', /msg_id/);
    });

    it('matches a map (additionalProperties only) by its values whatever the keys', () => {
      const m = prop('counts', { k1: { n: 1 }, k2: { n: 2 } });
      expect(m).toEqual(MatchersV3.eachKeyLike('k1', { n: MatchersV3.integer(1) }));
      const status = matcherFromSchema('jpush-v3/status-message.response.json', { rid: { status: 2 } });
      expect(status).toEqual(MatchersV3.eachKeyLike('rid', { status: MatchersV3.integer(2) }));
    });
  });

  describe('references and options', () => {
    it('resolves relative $refs across documents (v4 target lists use the v3 tag list)', () => {
      const m = matcherFromSchema('mtpush-v4/push.request.json', {
        to: { tag: ['t1'] },
        body: { platform: 'all', message: { msg_content: 'c' } },
      }) as Json;
      expect(m.to.tag).toEqual(MatchersV3.constrainedArrayLike(MatchersV3.string('t1'), 1, 20, 1));
      expect(m.body.message).toEqual({ msg_content: MatchersV3.string('c') });
    });

    it('accepts a full $id and a #/pointer into a document', () => {
      expect(matcherFromSchema(`${SCHEMA_BASE}common/error-envelope.v3.json#/$defs/error`, { code: 5, message: 'm' })).toEqual({
        code: MatchersV3.integer(5),
        message: MatchersV3.string('m'),
      });
    });

    it('matches the values named by `equal` pointers by equality', () => {
      const m = matcherFromSchema('common/error-envelope.v3.json', { error: { code: 5, message: 'm' } }, { equal: ['/error/code'] }) as Json;
      expect(m.error.code).toEqual(MatchersV3.equal(5));
      expect(m.error.message).toEqual(MatchersV3.string('m'));
    });

    it('refuses an unknown schema and an example of the wrong type', () => {
      expectError(() => matcherFromSchema('jpush-v3/nope.json', {}), 'PC_ERR_UNKNOWN_SCHEMA');
      expectError(() => matcherFromSchema('jpush-v3/push.response.json', { sendno: 1, msg_id: '1' }), 'PC_ERR_EXAMPLE_INVALID', /sendno/);
    });
  });
});
