import * as fs from 'node:fs';
import * as path from 'node:path';
import { getContracts } from '../contracts';
import { checkPactsForPublish, exchangeOf, secretsFromEnv } from './prepublish';
import { tempDir } from '../../test-support/temp-dir';

const invalid = getContracts().codeFor('jpush-v3', 'push', 'request.invalid-value');
if (!invalid) throw new Error('contracts: no push code for request.invalid-value');
const envelope = { error: { code: invalid.code, message: invalid.message } };

function write(pact: unknown): string {
  const file = path.join(tempDir('pc-pre-'), 'pact.json');
  fs.writeFileSync(file, JSON.stringify(pact));
  return file;
}

describe('exchangeOf', () => {
  it('reads a V4 body with examples in content, base64 bodies and contentType', () => {
    const pact = { consumer: { name: 'c' }, provider: { name: 'p' }, metadata: { pactSpecification: { version: '4.0' } } };
    const ex = exchangeOf(pact, {
      type: 'Synchronous/HTTP', description: 'd', providerStates: [{ name: 's' }],
      request: { method: 'post', path: '/v3/push', query: { a: ['1', '2'] } },
      response: { status: 400, body: { content: Buffer.from(JSON.stringify(envelope)).toString('base64'), contentType: 'application/json', encoded: 'base64' } },
    });
    expect(ex?.request).toMatchObject({ method: 'POST', path: '/v3/push', query: 'a=1&a=2' });
    expect(ex?.response).toEqual({ status: 400, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(envelope) });
    expect(ex?.interaction).toMatchObject({ description: 'd', consumer: 'c', provider: 'p', providerStates: ['s'] });
  });

  it('reads a V2 body as the body itself and skips message interactions', () => {
    const pact = { consumer: { name: 'c' }, provider: { name: 'p' }, metadata: { pactSpecification: { version: '2.0.0' } } };
    expect(exchangeOf(pact, { description: 'd', providerState: 's', request: { method: 'GET', path: '/v3/devices/x' }, response: { status: 404, body: envelope } })?.response.body).toBe(JSON.stringify(envelope));
    expect(exchangeOf(pact, { type: 'Asynchronous/Messages', description: 'm' })).toBeUndefined();
  });
});

describe('checkPactsForPublish', () => {
  it('passes a conforming pact and reads without writing', () => {
    const file = write({ consumer: { name: 'c' }, provider: { name: 'p' }, interactions: [{ description: 'ok', request: { method: 'POST', path: '/v3/push' }, response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: envelope } }] });
    const before = fs.readFileSync(file, 'utf8');
    expect(checkPactsForPublish([file]).offences).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  it('finds a secret outside the interactions and in a base64 body, never printing it', () => {
    const secrets = secretsFromEnv({ PUSH_APP_KEY: 'appKeyAAAAAAAAAAAAAAAAAA', PUSH_MASTER_SECRET: 'secretBBBBBBBBBBBBBBBBBB' });
    const file = write({
      consumer: { name: 'c' }, provider: { name: 'p' }, metadata: { note: 'secretBBBBBBBBBBBBBBBBBB' },
      interactions: [{ type: 'Synchronous/HTTP', description: 'leaks', request: { method: 'POST', path: '/v3/push', body: { content: Buffer.from('appKeyAAAAAAAAAAAAAAAAAA:secretBBBBBBBBBBBBBBBBBB').toString('base64'), encoded: 'base64' } }, response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: { content: envelope } } }],
    });
    const { offences } = checkPactsForPublish([file], { secrets });
    expect(offences.map((o) => [o.description, o.reasons])).toEqual([
      // The encoded content itself is the base64 form; decoded it shows the raw pair and the secret.
      ['leaks', ['contains the value of PUSH_MASTER_SECRET', 'contains the value of PUSH_APP_KEY:PUSH_MASTER_SECRET', 'contains the value of base64 of PUSH_APP_KEY:PUSH_MASTER_SECRET']],
      ['(outside the interactions)', ['contains the value of PUSH_MASTER_SECRET']],
    ]);
    expect(JSON.stringify(offences.map((o) => o.reasons))).not.toContain('secretBBBB');
  });

  it('refuses a file that is not a pact with PC_ERR_PACT_MALFORMED', () => {
    expect(() => checkPactsForPublish([write({ hello: 'world' })])).toThrow(expect.objectContaining({ code: 'PC_ERR_PACT_MALFORMED' }));
  });

  it('will not skip the status and envelope rules', () => {
    const file = write({ consumer: { name: 'c' }, provider: { name: 'p' }, interactions: [] });
    expect(() => checkPactsForPublish([file], { audit: { skip: ['response.status.unknown'] } })).toThrow(expect.objectContaining({ code: 'PC_ERR_USAGE' }));
    expect(() => checkPactsForPublish([file], { audit: { only: ['response.envelope.invalid'] } })).toThrow(expect.objectContaining({ code: 'PC_ERR_USAGE' }));
    expect(checkPactsForPublish([file], { audit: { skip: ['response.body.success-schema'] } }).offences).toEqual([]);
  });

  it('finds the group\'s master secret and its group-<GroupKey> pair (group push) in a pact', () => {
    const secrets = secretsFromEnv({ PUSH_GROUP_KEY: 'groupKeyCCCCCCCCCCCCCCCC', PUSH_GROUP_MASTER_SECRET: 'groupSecretDDDDDDDDDDDDD' });
    const header = `Basic ${Buffer.from('group-groupKeyCCCCCCCCCCCCCCCC:groupSecretDDDDDDDDDDDDD').toString('base64')}`;
    const file = write({
      consumer: { name: 'c' }, provider: { name: 'p' },
      interactions: [{ type: 'Synchronous/HTTP', description: 'group leak', request: { method: 'POST', path: '/v3/grouppush', headers: { Authorization: [header] } }, response: { status: invalid.status, headers: { 'Content-Type': 'application/json' }, body: { content: envelope } } }],
    });
    const { offences } = checkPactsForPublish([file], { secrets });
    expect(offences.map((o) => o.reasons)).toEqual([['contains the value of base64 of group-PUSH_GROUP_KEY:PUSH_GROUP_MASTER_SECRET']]);
  });

  it('ignores values too short to be secrets', () => {
    expect(secretsFromEnv({ PACT_BROKER_TOKEN: 'abc' })).toEqual([]);
  });
});
