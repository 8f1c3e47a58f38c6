import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PushContractsError } from '../errors';
import { filterPact, pactFilesIn, parsePact, readPactFile, shardPacts, slicePact } from './pacts';
import { tempDir } from '../../test-support/temp-dir';

const pact = (interactions: unknown[]): string =>
  JSON.stringify({ consumer: { name: 'app' }, provider: { name: 'jpush-v3' }, interactions, metadata: { pactSpecification: { version: '4.0' } } });

const http = (description: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'Synchronous/HTTP',
  description,
  request: { method: 'get', path: '/v3/tags', query: { platform: ['android,ios'] } },
  response: { status: 200 },
  ...extra,
});

function malformedMessage(text: string): string {
  try {
    parsePact(text, 'pacts/bad.json');
  } catch (err) {
    expect(err).toBeInstanceOf(PushContractsError);
    expect((err as PushContractsError).code).toBe('PC_ERR_PACT_MALFORMED');
    expect((err as PushContractsError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('parsePact accepted a malformed pact');
}

describe('parsePact', () => {
  it('reads v4 interactions: upper-cased method, query in wire form, states by name', () => {
    const p = parsePact(pact([http('tags', { providerStates: [{ name: 'a device exists', params: { registration_id: 'x' } }] })]), 'f.json');
    expect(p.interactions[0]).toMatchObject({
      consumer: 'app', provider: 'jpush-v3', description: 'tags', providerStates: ['a device exists'],
      request: { method: 'GET', path: '/v3/tags', query: 'platform=android%2Cios' }, response: { status: 200 }, index: 0,
    });
  });

  it('reads a v2 providerState string and query string', () => {
    const p = parsePact(pact([{ description: 'd', providerState: 'the app is not VIP', request: { method: 'GET', path: '/v3/tags', query: 'a=1' }, response: { status: 403 } }]), 'f.json');
    expect(p.interactions[0]).toMatchObject({ providerStates: ['the app is not VIP'], request: { query: 'a=1' }, response: { status: 403 } });
  });

  it('skips message interactions', () => {
    const p = parsePact(pact([{ type: 'Asynchronous/Messages', description: 'm', contents: {} }, http('tags')]), 'f.json');
    expect(p.interactions.map((i) => i.description)).toEqual(['tags']);
    expect(p.rawIndices).toEqual([1]);
  });

  it.each([
    ['{"consumer": ', /pacts\/bad\.json: not valid JSON/],
    ['[]', /pacts\/bad\.json: not a JSON object/],
    [JSON.stringify({ provider: { name: 'p' }, interactions: [] }), /consumer\.name is missing/],
    [JSON.stringify({ consumer: { name: 'c' }, provider: { name: 'p' } }), /interactions is not an array/],
    [pact([{ description: 'd', request: { path: '/x' }, response: { status: 200 } }]), /interactions\[0\]\.request\.method is missing/],
    [pact([http('ok'), { description: 'd', request: { method: 'GET', path: '/x' }, response: { status: '200' } }]), /interactions\[1\]\.response\.status is not an integer/],
  ])('refuses %s naming the file and the element', (text, message) => {
    expect(malformedMessage(text)).toMatch(message);
  });
});

describe('pact files', () => {
  it('lists the .json files of a directory sorted, and names a malformed one when read', () => {
    const dir = tempDir('pc-pacts-');
    writeFileSync(path.join(dir, 'b.json'), pact([http('b')]));
    writeFileSync(path.join(dir, 'a.json'), '{oops');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const files = pactFilesIn(dir);
    expect(files.map((f) => path.basename(f))).toEqual(['a.json', 'b.json']);
    expect(() => readPactFile(files[0])).toThrow(`${files[0]}: not valid JSON`);
  });

  it('refuses a directory that does not exist as a usage error', () => {
    expect(() => pactFilesIn('/nonexistent/pacts')).toThrow(expect.objectContaining({ code: 'PC_ERR_USAGE' }));
  });
});

describe('filterPact', () => {
  const p = parsePact(pact([
    http('push 200', { providerStates: [{ name: 'a device exists' }] }),
    http('push 401'),
    http('tags 403', { providerStates: [{ name: 'the app is not VIP' }] }),
  ]), 'f.json');

  it('keeps interactions whose description contains the text, re-indexed, in the written document too', () => {
    const f = filterPact(p, { description: 'push' });
    expect(f.interactions.map((i) => [i.description, i.index])).toEqual([['push 200', 0], ['push 401', 1]]);
    expect((f.document.interactions as Array<{ description: string }>).map((i) => i.description)).toEqual(['push 200', 'push 401']);
  });

  it('filters by /regex/ on the description and by state', () => {
    expect(filterPact(p, { description: '/^push 40\\d$/' }).interactions.map((i) => i.description)).toEqual(['push 401']);
    expect(filterPact(p, { state: 'VIP' }).interactions.map((i) => i.description)).toEqual(['tags 403']);
    expect(filterPact(p, { consumers: ['other'] }).interactions).toEqual([]);
  });
});

describe('slicePact and shardPacts', () => {
  const many = (name: string, n: number) => parsePact(JSON.stringify({
    consumer: { name }, provider: { name: 'jpush-v3' }, metadata: { pactSpecification: { version: '4.0' } },
    interactions: Array.from({ length: n }, (_, k) => (k === 1 ? { type: 'Asynchronous/Messages', description: 'a message' } : http(`${name} ${k}`))),
  }), `${name}.json`);

  it('slices keep the interactions in order, with the documents they were written from', () => {
    const p = many('app', 7);
    const s = slicePact(p, 2, 5);
    expect(s.interactions.map((i) => [i.description, i.index])).toEqual([['app 3', 0], ['app 4', 1], ['app 5', 2]]);
    expect((s.document.interactions as Array<{ description: string }>).map((i) => i.description)).toEqual(['app 3', 'app 4', 'app 5']);
  });

  it('shards are disjoint, cover every interaction once, differ in size by at most one, and are the same every time', () => {
    const pacts = [many('a', 11), many('b', 1), many('c', 30)];
    const all = pacts.flatMap((p) => p.interactions.map((i) => i.description));
    for (const count of [1, 2, 3, 7, 39, 45]) {
      const shards = Array.from({ length: count }, (_, k) => shardPacts(pacts, k + 1, count).flatMap((p) => p.interactions.map((i) => i.description)));
      expect(shards.flat()).toEqual(all);
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(Array.from({ length: count }, (_, k) => shardPacts(pacts, k + 1, count).flatMap((p) => p.interactions.map((i) => i.description)))).toEqual(shards);
    }
  });
});
