/**
 * Ties each recorded exchange to the interaction it replays. The Rust verifier replays the pact
 * files in the order given and the interactions of a file in order, one request each, so the
 * recorded requests come in the same order as the expected interactions, minus those that never
 * sent a request (a failed state setup). Each request is matched to the next interaction of the
 * sequence whose method, path and query are the same; interactions skipped over sent nothing.
 */
import type { PactInteraction } from './pacts';
import type { ExchangeEvent, RecordedEvent } from './recorder';

export interface Correlation {
  readonly interaction: PactInteraction;
  readonly exchange?: ExchangeEvent;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Query strings compared as sorted decoded pairs: the verifier may encode or order them differently. */
export function sameQuery(a: string, b: string): boolean {
  const norm = (q: string): string =>
    [...new URLSearchParams(q).entries()].map(([k, v]) => `${k}=${v}`).sort().join('&');
  return norm(a) === norm(b);
}

export function sameRequest(i: PactInteraction, e: ExchangeEvent): boolean {
  return i.request.method === e.method.toUpperCase() && decode(i.request.path) === decode(e.path) && sameQuery(i.request.query, e.query);
}

export function correlate(expected: readonly PactInteraction[], events: readonly RecordedEvent[]): { matched: Correlation[]; unmatched: ExchangeEvent[] } {
  const exchanges = new Map<number, ExchangeEvent>();
  const unmatched: ExchangeEvent[] = [];
  let next = 0;
  for (const ev of events) {
    if (ev.kind !== 'exchange') continue;
    let found = -1;
    for (let k = next; k < expected.length; k += 1) {
      if (sameRequest(expected[k], ev)) {
        found = k;
        break;
      }
    }
    if (found < 0) {
      unmatched.push(ev);
      continue;
    }
    exchanges.set(found, ev);
    next = found + 1;
  }
  return { matched: expected.map((interaction, k) => ({ interaction, exchange: exchanges.get(k) })), unmatched };
}
