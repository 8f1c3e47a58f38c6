import * as fs from 'node:fs';
import * as path from 'node:path';
import { brokerSourceOf, verifySources, type BrokerVerifyFlags } from './verify-source';
import type { PactSource } from '../verifier/verify';
import { tempDir } from '../../test-support/temp-dir';

const BASE = 'http://broker.example:9292';
const outside = tempDir('pc-vs-');
const env = { PATH: process.env.PATH, PACT_BROKER_BASE_URL: BASE, PACT_BROKER_TOKEN: 'tok-abcdef' };
const flags = (over: Partial<BrokerVerifyFlags> = {}): BrokerVerifyFlags => ({ consumerVersionSelector: [], providerVersionTag: [], pactUrl: [], ...over });
const local = (f: { pactDir?: string; pactUrl: string[] }): PactSource[] => [
  ...(f.pactDir ? [{ kind: 'dir' as const, dir: f.pactDir }] : []),
  ...(f.pactUrl.length > 0 ? [{ kind: 'urls' as const, urls: f.pactUrl }] : []),
  ...(!f.pactDir && f.pactUrl.length === 0 ? [{ kind: 'dir' as const, dir: 'pacts' }] : []),
];

describe('brokerSourceOf', () => {
  it('names no broker when no broker flag is given, even with PACT_BROKER_BASE_URL set', async () => {
    expect(await brokerSourceOf(flags(), env, outside)).toBeUndefined();
    expect(await verifySources(flags(), env, outside, local)).toEqual([{ kind: 'dir', dir: 'pacts' }]);
  });

  it('asks the broker with the recommended selectors and the credentials from the environment', async () => {
    const s = await brokerSourceOf(flags({ provider: 'push-api', providerBranch: 'main' }), env, outside);
    expect(s).toMatchObject({
      kind: 'broker', url: BASE, provider: 'push-api', token: 'tok-abcdef', publish: false,
      selectors: [{ mainBranch: true }, { matchingBranch: true }, { deployedOrReleased: true }],
    });
  });

  it('uses explicit selectors in order: JSON ones first, then the shortcuts', async () => {
    const s = await brokerSourceOf(flags({ provider: 'p', consumerVersionSelector: ['{"branch":"rc"}'], deployedOrReleased: true }), env, outside);
    expect(s).toMatchObject({ selectors: [{ branch: 'rc' }, { deployedOrReleased: true }] });
  });

  it.each([
    [flags({ publish: true, provider: 'p' }), '--provider-version'],
    [flags({ deployedOrReleased: true }), '--provider'],
    [flags({ provider: 'p', matchingBranch: true }), '--provider-branch'],
    [flags({ provider: 'p', includeWipPactsSince: '2024-01-01' }), '--enable-pending'],
    [flags({ provider: 'p', enablePending: true, includeWipPactsSince: 'soon' }), '--include-wip-pacts-since'],
    [flags({ provider: 'p', consumerVersionSelector: ['[1]'] }), '--consumer-version-selector'],
  ])('refuses an incomplete broker request outside a checkout, naming the flag (%#)', async (f, flag) => {
    await expect(brokerSourceOf(f, env, outside)).rejects.toMatchObject({ code: 'PC_ERR_USAGE', message: expect.stringContaining(flag) });
  });

  it('needs a broker URL', async () => {
    await expect(brokerSourceOf(flags({ provider: 'p' }), { PATH: process.env.PATH }, outside)).rejects.toMatchObject({ message: expect.stringContaining('PACT_BROKER_BASE_URL') });
  });

  it('fetches a pact URL on the configured broker with its credentials even without other broker flags', async () => {
    const url = `${BASE}/pacts/provider/p/consumer/c/pact-version/abc`;
    expect(await verifySources(flags({ pactUrl: [url] }), env, outside, local)).toEqual([expect.objectContaining({ kind: 'broker', pactUrls: [url], token: 'tok-abcdef', publish: false })]);
    expect(await verifySources(flags({ pactUrl: ['http://elsewhere.example/p.json'] }), env, outside, local)).toEqual([{ kind: 'urls', urls: ['http://elsewhere.example/p.json'] }]);
  });

  it("takes a webhook's pact URL on the broker over from the plain URL sources", async () => {
    const url = `${BASE}/pacts/provider/p/consumer/c/pact-version/abc`;
    const sources = await verifySources(flags({ pactUrl: [url, 'local.json'], publish: true, providerVersion: '1' }), env, outside, local);
    expect(sources).toEqual([{ kind: 'urls', urls: ['local.json'] }, expect.objectContaining({ kind: 'broker', pactUrls: [url], providerVersion: '1', publish: true })]);
  });
});
