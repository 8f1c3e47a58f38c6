import { correlate, sameQuery } from './correlate';
import type { PactInteraction } from './pacts';
import type { ExchangeEvent, RecordedEvent } from './recorder';

const interaction = (description: string, method: string, path: string, query = ''): PactInteraction => ({
  consumer: 'c', provider: 'p', description, providerStates: [], request: { method, path, query, headers: {} }, response: { status: 200 }, source: 'f', index: 0,
});
let seq = 0;
const exchange = (method: string, path: string, query = ''): ExchangeEvent => ({
  kind: 'exchange', seq: seq++, method, path, query, requestHeaders: {}, response: { status: 200, headers: {}, body: '' }, durationMs: 1,
});

describe('correlate', () => {
  it('matches requests in order, so identical requests go to successive interactions', () => {
    const expected = [interaction('a', 'POST', '/v3/push'), interaction('b', 'POST', '/v3/push'), interaction('c', 'GET', '/v3/tags')];
    const events: RecordedEvent[] = [exchange('POST', '/v3/push'), exchange('POST', '/v3/push'), exchange('GET', '/v3/tags')];
    expect(correlate(expected, events).matched.map((m) => m.exchange?.seq)).toEqual(events.map((e) => e.seq));
  });

  it('leaves an interaction that sent nothing (failed state setup) without exchange', () => {
    const expected = [interaction('a', 'POST', '/v3/push'), interaction('b', 'GET', '/v3/tags'), interaction('c', 'GET', '/v3/tags', 'x=1')];
    const events = [exchange('POST', '/v3/push'), exchange('GET', '/v3/tags', 'x=1')];
    const { matched, unmatched } = correlate(expected, events);
    expect(matched.map((m) => m.exchange !== undefined)).toEqual([true, false, true]);
    expect(unmatched).toEqual([]);
  });

  it('reports a request no interaction asked for', () => {
    expect(correlate([interaction('a', 'GET', '/v3/tags')], [exchange('GET', '/v3/other')]).unmatched).toHaveLength(1);
  });

  it('compares queries regardless of order and encoding', () => {
    expect(sameQuery('b=2&a=android%2Cios', 'a=android,ios&b=2')).toBe(true);
    expect(sameQuery('a=1', 'a=2')).toBe(false);
  });
});
