process.env.PACT_DO_NOT_TRACK = 'true';

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PactV4, Verifier } from '@pact-foundation/pact';
import * as MatchersV3 from '@pact-foundation/pact/src/v3/matchers';
import { getContracts, RATE_LIMIT_HEADERS_SCHEMA, type ApiId, type BusinessCode } from '../contracts';
import { errorEnvelopeMatcher, rateLimitHeadersMatcher, successBodyMatcher } from './api';
import { escapeRustLiteral } from './derive';
import { toRustRegex } from './regex';
import { waitForMatches } from '../consumer/builder';
import { tempDir } from '../../test-support/temp-dir';

/**
 * Round trip through the real Pact core: the consumer side proves the mock server serves bodies valid
 * against the schemas; the provider side verifies the written pact against tiny node:http providers and
 * proves the matchers accept a conforming provider and reject schema-breaking bodies.
 */

const contracts = getContracts();

interface Served {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Two catalogued codes of an API with the same status: a wrong code must fail even when the status is right. */
function twoCodes(api: ApiId): [BusinessCode, BusinessCode] {
  const codes = contracts.apis[api].codeTables.flatMap((t) => t.codes);
  for (const a of codes) {
    const b = codes.find((c) => c.code !== a.code && c.status === a.status);
    if (b) return [a, b];
  }
  throw new Error(`${api}: no two codes share a status`);
}

const [v3Code, v3Other] = twoCodes('jpush-v3');
const [v4Code, v4Other] = twoCodes('mtpush-v4');
const [rateExample] = contracts.schema(RATE_LIMIT_HEADERS_SCHEMA).examples as Array<Record<string, string>>;

/** Patterns whose translation uses every rewrite: if the Pact core refused one, verification would fail. */
const TRANSLATED = {
  digits: ['^\\d+$', '123', '9'],
  word: ['^\\w+$', 'ab_1', 'zz'],
  notDigit: ['^[a\\D]+$', 'a-b', 'xyz'],
  dot: ['^a.c$', 'abc', 'a-c'],
  unicode: ['^\\u00e9+$', 'éé', 'é'],
  named: ['^(?<year>[0-9]{4})$', '2026', '1999'],
  space: ['^a\\sb$', 'a b', 'a\tb'],
} as const;

/** Enum members full of characters a regex escapes, as a string enum's alternatives regex holds them. */
const ENUM_MEMBERS = ['a.b', 'c|d', 'x#y&z~w-v', '(p)[q]{r}^s$t*u+v?'];

const translatedBody = {
  ...Object.fromEntries(
    Object.entries(TRANSLATED).map(([key, [pattern, example]]) => {
      const t = toRustRegex(pattern);
      if (!t.ok) throw new Error(t.reason);
      return [key, MatchersV3.regex(t.regex, example)];
    }),
  ),
  enumMember: MatchersV3.regex(`^(?:${ENUM_MEMBERS.map(escapeRustLiteral).join('|')})$`, ENUM_MEMBERS[0]),
};

interface Case {
  readonly description: string;
  readonly path: string;
  readonly status: number;
  readonly schema?: string;
  readonly headers?: ReturnType<typeof rateLimitHeadersMatcher>;
  readonly body: unknown;
  /** Success bodies go to their own pact, so the break tests verify only the small envelope pact. */
  readonly pact: 'envelopes' | 'success';
  /** What a conforming provider answers: valid against the schema, but not the pact's example. */
  readonly conforming: Served;
}

const cases: Case[] = [
  {
    description: 'a jpush-v3 error envelope with rate-limit headers',
    path: '/envelope/v3',
    status: v3Code.status,
    schema: contracts.apis['jpush-v3'].errorEnvelope,
    headers: rateLimitHeadersMatcher(),
    pact: 'envelopes',
    body: errorEnvelopeMatcher('jpush-v3', { code: v3Code.code, message: 'example message', msgId: '3125719446' }),
    conforming: {
      status: v3Code.status,
      headers: { 'x-rate-limit-limit': '10', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '3' },
      body: { error: { code: v3Code.code, message: 'another wording' }, msg_id: '42' },
    },
  },
  {
    description: 'an mtpush-v4 nested error envelope',
    path: '/envelope/v4/nested',
    status: v4Code.status,
    schema: contracts.apis['mtpush-v4'].errorEnvelope,
    body: errorEnvelopeMatcher('mtpush-v4', { code: v4Code.code, message: 'example message' }),
    pact: 'envelopes',
    conforming: { status: v4Code.status, body: { error: { code: v4Code.code, message: 'another wording' } } },
  },
  {
    description: 'an mtpush-v4 flat error envelope',
    path: '/envelope/v4/flat',
    status: v4Code.status,
    schema: contracts.apis['mtpush-v4'].errorEnvelope,
    body: errorEnvelopeMatcher('mtpush-v4', { code: v4Code.code, message: 'example message', shape: 'flat' }),
    pact: 'envelopes',
    conforming: { status: v4Code.status, body: { code: v4Code.code, message: 'another wording' } },
  },
  ...contracts
    .endpoints()
    .filter((e) => e.success !== 'empty')
    .map((e): Case => {
      // The raw example, not the reified one: its arrays and maps hold more entries than the template.
      // (Another example would not do: a matcher built from a string does not admit the null a nullable
      // field may carry, nor [] for a list without minItems; docs/matchers.md says why.)
      const [example] = contracts.schema(e.success).examples as unknown[];
      return {
        description: `the ${e.api} ${e.id} success body`,
        path: `/success/${e.api}/${e.id}`,
        status: 200,
        schema: e.success,
        body: successBodyMatcher(e.api, e.id),
        pact: 'success',
        conforming: { status: 200, body: example },
      };
    }),
  {
    description: 'strings matched by translated patterns',
    path: '/translated',
    status: 200,
    body: translatedBody,
    pact: 'envelopes',
    conforming: {
      status: 200,
      body: { ...Object.fromEntries(Object.entries(TRANSLATED).map(([k, [, , other]]) => [k, other])), enumMember: ENUM_MEMBERS[3] },
    },
  },
];

let dir: string;
const PACTS = ['envelopes', 'success'] as const;
const pactFiles: Record<(typeof PACTS)[number], string> = { envelopes: '', success: '' };

beforeAll(() => {
  dir = tempDir('push-contracts-matchers-pact-');
});


function startProvider(answers: ReadonlyMap<string, Served>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const served = answers.get(req.url ?? '');
    if (!served) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(served.status, { 'content-type': 'application/json', ...served.headers });
    res.end(JSON.stringify(served.body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Mismatch {
  readonly type: string;
  readonly path?: string;
  readonly key?: string;
  readonly mismatch: string;
}

/** Verifies the pact against a provider; returns the mismatches the core reported (none when it passed). */
async function verifyAgainst(answers: ReadonlyMap<string, Served>, pactUrls: string[] = [pactFiles.envelopes]): Promise<Mismatch[]> {
  const server = await startProvider(answers);
  try {
    await new Verifier({
      providerBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      pactUrls,
      logLevel: 'error',
    }).verifyProvider();
    return [];
  } catch (err) {
    // A failed verification rejects with the core's JSON report; anything else (no pact, bad options) is rethrown.
    let report: { errors: Array<{ mismatch: { mismatches: Mismatch[] } }> };
    try {
      report = JSON.parse((err as Error).message);
    } catch {
      throw err;
    }
    return report.errors.flatMap((e) => e.mismatch.mismatches);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const conforming = (): Map<string, Served> => new Map(cases.map((c) => [c.path, c.conforming]));

describe('matchers in a real pact', () => {
  it('serves, from the mock server, bodies valid against their schemas and writes the pact', async () => {
    for (const c of cases) {
      const pact = new PactV4({ consumer: 'matchers-consumer', provider: `matchers-${c.pact}`, dir, logLevel: 'error' });
      await pact
        .addInteraction()
        .uponReceiving(c.description)
        .withRequest('GET', c.path)
        .willRespondWith(c.status, (b) => {
          if (c.headers) b.headers(c.headers);
          b.jsonBody(c.body);
        })
        .executeTest(async (mock) => {
          const res = await fetch(`${mock.url}${c.path}`);
          expect(res.status).toBe(c.status);
          const body: unknown = await res.json();
          if (c.schema) expect([c.path, contracts.validate(c.schema, body).errors]).toEqual([c.path, []]);
          if (c.headers) {
            const headers = Object.fromEntries(Object.keys(rateExample).map((h) => [h, res.headers.get(h)]));
            expect(contracts.validate(RATE_LIMIT_HEADERS_SCHEMA, headers).valid).toBe(true);
          }
          await waitForMatches(pact, mock.port);
        });
    }
    for (const name of PACTS) {
      pactFiles[name] = path.join(dir, `matchers-consumer-matchers-${name}.json`);
      expect(JSON.parse(fs.readFileSync(pactFiles[name], 'utf8')).interactions).toHaveLength(cases.filter((c) => c.pact === name).length);
    }
  });

  // One verification of every endpoint's success body: it grows with the catalogue, so jest's 5 s default
  // is no bound for a hang on a loaded machine; 30 s is, as for the other hang bounds of the suite.
  it('passes verification against a provider whose answers conform but differ from the examples', async () => {
    expect(await verifyAgainst(conforming(), [pactFiles.envelopes, pactFiles.success])).toEqual([]);
  }, 30_000);

  const v3Path = '/envelope/v3';
  const v3Body = (error: unknown, msgId: unknown = '1'): Served => ({ status: v3Code.status, headers: rateExample, body: { error, msg_id: msgId } });
  // schemaValid: a different catalogued code is the one break the schema alone cannot see; equality on code catches it.
  const breaks: Array<{ name: string; at: string; served: Served; schemaValid: boolean; expected: Partial<Mismatch> }> = [
    { name: 'the v3 business code as a string', at: v3Path, served: v3Body({ code: String(v3Code.code), message: 'm' }), schemaValid: false, expected: { type: 'BodyMismatch', path: '$.error.code' } },
    { name: 'another v3 business code with the same status', at: v3Path, served: v3Body({ code: v3Other.code, message: 'm' }), schemaValid: true, expected: { type: 'BodyMismatch', path: '$.error.code' } },
    { name: 'a v3 envelope without message', at: v3Path, served: v3Body({ code: v3Code.code }), schemaValid: false, expected: { type: 'BodyMismatch', path: '$.error' } },
    { name: 'a v3 msg_id that is not digits', at: v3Path, served: v3Body({ code: v3Code.code, message: 'm' }, 'abc'), schemaValid: false, expected: { type: 'BodyMismatch', path: '$.msg_id' } },
    { name: 'a v4 nested code as a string', at: '/envelope/v4/nested', served: { status: v4Code.status, body: { error: { code: String(v4Code.code), message: 'm' } } }, schemaValid: false, expected: { type: 'BodyMismatch', path: '$.error.code' } },
    { name: 'another v4 flat business code', at: '/envelope/v4/flat', served: { status: v4Code.status, body: { code: v4Other.code, message: 'm' } }, schemaValid: true, expected: { type: 'BodyMismatch', path: '$.code' } },
    { name: 'a v4 flat message that is a number', at: '/envelope/v4/flat', served: { status: v4Code.status, body: { code: v4Code.code, message: 7 } }, schemaValid: false, expected: { type: 'BodyMismatch', path: '$.message' } },
  ];

  it.each(breaks)('rejects $name with a body mismatch', async ({ at, served, schemaValid, expected }) => {
    const schema = cases.find((c) => c.path === at)!.schema!;
    expect(contracts.validate(schema, served.body).valid).toBe(schemaValid);
    const answers = conforming();
    answers.set(at, served);
    expect(await verifyAgainst(answers)).toEqual([expect.objectContaining(expected)]);
  });

  it('rejects a string outside an escaped enum, such as one a metacharacter would have let through', async () => {
    const answers = conforming();
    const translated = answers.get('/translated')!;
    answers.set('/translated', { ...translated, body: { ...(translated.body as object), enumMember: 'axb' } });
    expect(await verifyAgainst(answers)).toEqual([expect.objectContaining({ type: 'BodyMismatch', path: '$.enumMember' })]);
  });

  it('rejects a rate-limit header that is not a count with a header mismatch', async () => {
    const answers = conforming();
    const v3 = answers.get(v3Path)!;
    answers.set(v3Path, { ...v3, headers: { ...v3.headers, 'x-rate-limit-remaining': 'many' } });
    expect(await verifyAgainst(answers)).toEqual([expect.objectContaining({ type: 'HeaderMismatch', key: 'x-rate-limit-remaining' })]);
  });
});
