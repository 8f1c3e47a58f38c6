/**
 * response.batch.item-envelope: batch and group push answer 200 and report each failed item in its own
 * envelope. The rule judges those items over real HTTP answers: the reference service's (one good and
 * one bad item) pass; a provider that reports an item error wrongly fails.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getContracts } from '../contracts';
import { basicAuth, groupBasicAuth } from '../credentials';
import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, type ReferenceService } from '../service';
import { httpCall, type HttpAnswer } from '../../test-support/http';
import { audit } from './audit';
import type { Exchange } from './types';
import { startStatefulService } from '../../test-support/stateful-service';

const contracts = getContracts();
const GOOD = '1a0018970a1b2c3d4e5';

function exchangeOf(method: string, path: string, a: HttpAnswer): Exchange {
  return {
    interaction: { description: `${method} ${path}` },
    request: { method, path, headers: {} },
    response: { status: a.status, headers: a.headers as Exchange['response']['headers'], body: a.text },
  };
}

const ids = (ex: Exchange): string[] => audit(ex).map((f) => `${f.severity}:${f.ruleId}`);

/** The second example of the endpoint's request schema: one item to a known target, one to an unknown one. */
function goodAndBad(api: 'jpush-v3' | 'mtpush-v4', id: string): unknown {
  return (contracts.schema(contracts.endpoint(api, id).request.body as string) as { examples: unknown[] }).examples[1];
}

/** A provider that answers every request 200 with a fixed body, and the rate-limit headers v3 documents. */
async function fixedProvider(body: unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '60' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('response.batch.item-envelope over real answers', () => {
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
  });

  it.each([
    ['jpush-v3', '/v3/push/batch/regid/single', 'push.batch-regid'],
    ['mtpush-v4', '/v4/batch/push/regid', 'push.batch-regid'],
  ] as const)('passes the reference service: %s batch with one good and one bad item, no finding at all', async (api, path, id) => {
    const a = await httpCall(svc.url, 'POST', path, { body: goodAndBad(api, id), headers: { authorization: basicAuth(DEMO_CREDENTIALS) } });
    expect(a.status).toBe(200);
    expect(JSON.stringify(a.json)).toContain('"error"');
    expect(audit(exchangeOf('POST', path, a))).toEqual([]);
  });

  it('passes the reference service: a group push whose blacklisted app fails in its own item (rule 1 does not fire on the 200)', async () => {
    await svc.setUpState('the app is blacklisted');
    const body = (contracts.schema(contracts.endpoint('jpush-v3', 'push.group').request.body as string) as { examples: unknown[] }).examples[0];
    const a = await httpCall(svc.url, 'POST', '/v3/grouppush', { body, headers: { authorization: groupBasicAuth(DEMO_GROUP_CREDENTIALS) } });
    expect(a.json[DEMO_CREDENTIALS.appKey].error.code).toBe(contracts.codeFor('jpush-v3', 'push', 'app.blacklisted')?.code);
    expect(audit(exchangeOf('POST', '/v3/grouppush', a))).toEqual([]);
  });

  const CID = 'pactPlaceholderAppKey000-128eeb45-471c-49f3-b442-a05c20c9ed56';
  it.each([
    ['an item error with an unknown code', { [CID]: { error: { code: 4242, message: 'odd' } } }, ['error:response.batch.item-envelope']],
    ['an item that is no envelope', { [CID]: 'failed' }, ['error:response.body.success-schema', 'error:response.batch.item-envelope']],
    ['an item error without a message', { [CID]: { error: { code: 1011 } } }, ['error:response.body.success-schema', 'error:response.batch.item-envelope']],
    ['an item failing with a whole-request code (1004, a 401)', { [CID]: { error: { code: 1004, message: 'Authen failed' } } }, ['error:response.batch.item-envelope']],
    ['a 200 with no item at all (the schema fails it; the item rule says nothing was judged)', {}, ['error:response.body.success-schema', 'warning:response.batch.item-envelope']],
  ])('fails a provider that answers a v3 batch with %s', async (_name, body, expected) => {
    const provider = await fixedProvider(body);
    try {
      const a = await httpCall(provider.url, 'POST', '/v3/push/batch/regid/single', { body: goodAndBad('jpush-v3', 'push.batch-regid') });
      // The schema rule may report one issue per oneOf branch; which rules fire is what matters here.
      expect([...new Set(ids(exchangeOf('POST', '/v3/push/batch/regid/single', a)))].sort()).toEqual([...expected].sort());
    } finally {
      await provider.close();
    }
  });

  it('names the item and the whole-request status in the finding', async () => {
    const provider = await fixedProvider({ [CID]: { error: { code: 2002, message: 'Rate limit exceeded' } } });
    try {
      const a = await httpCall(provider.url, 'POST', '/v3/push/batch/regid/single', { body: goodAndBad('jpush-v3', 'push.batch-regid') });
      const [f] = audit(exchangeOf('POST', '/v3/push/batch/regid/single', a));
      expect(f).toMatchObject({ ruleId: 'response.batch.item-envelope', severity: 'error', location: `response.body.${CID}.error.code`, actual: 429 });
      expect(f.message).toContain('must be answered with 429');
    } finally {
      await provider.close();
    }
  });

  it('warns, not fails, where the per-item shape is uncertain (v4 batch)', async () => {
    const provider = await fixedProvider({ results: { [GOOD]: { target: GOOD, success: false, error: { code: 4242, message: 'odd' } } } });
    try {
      const a = await httpCall(provider.url, 'POST', '/v4/batch/push/regid', { body: goodAndBad('mtpush-v4', 'push.batch-regid') });
      expect(ids(exchangeOf('POST', '/v4/batch/push/regid', a))).toEqual(['warning:response.batch.item-envelope']);
    } finally {
      await provider.close();
    }
  });

  it('leaves a whole-request error answered with 200 to rule 1', async () => {
    const provider = await fixedProvider({ error: { code: 1004, message: 'Authen failed' } });
    try {
      const a = await httpCall(provider.url, 'POST', '/v3/push/batch/regid/single', { body: goodAndBad('jpush-v3', 'push.batch-regid') });
      expect(ids(exchangeOf('POST', '/v3/push/batch/regid/single', a))).toContain('error:response.body.error-on-200');
    } finally {
      await provider.close();
    }
  });
});
