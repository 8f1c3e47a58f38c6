/**
 * The pacts a broker source had the verifier verify, read back after the run so that each recorded
 * exchange and each verifier result is tied to its interaction by the broker's `_id`, never by the
 * order results come in. The broker names every pact it selected in a notice ("The pact at URL is
 * being verified because …", pacts-for-verification); a webhook's pact URLs are given directly.
 */
import { fetchPact, type LoadedPact } from './pacts';

export interface BrokerPactSource {
  readonly pactUrls?: readonly string[];
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

const SELECTED = /^The pact at (\S+) is being verified because/;

/** The pact URLs the verifier verified, in its order, without repeats. */
export function verifiedPactUrls(source: BrokerPactSource, notices: readonly string[]): string[] {
  const urls = [...(source.pactUrls ?? []), ...notices.map((n) => SELECTED.exec(n)?.[1]).filter((u): u is string => u !== undefined)];
  return [...new Set(urls)];
}

function authHeaders(source: BrokerPactSource): Record<string, string> {
  if (source.token) return { authorization: `Bearer ${source.token}` };
  if (source.username !== undefined && source.password !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${source.username}:${source.password}`).toString('base64')}` };
  }
  return {};
}

/** Reads each pact back with the broker credentials; a pact that cannot be read is named, not skipped silently. */
export async function readBrokerPacts(source: BrokerPactSource, notices: readonly string[], timeoutMs: number): Promise<{ pacts: LoadedPact[]; problems: string[] }> {
  const pacts: LoadedPact[] = [];
  const problems: string[] = [];
  for (const url of verifiedPactUrls(source, notices)) {
    try {
      pacts.push(await fetchPact(url, timeoutMs, authHeaders(source)));
    } catch (err) {
      problems.push(`the pact at ${url} was verified but could not be read back to tie its results to its interactions: ${(err as Error).message}`);
    }
  }
  return { pacts, problems };
}
