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

/**
 * Why a broker selection came back empty, when the reason is that the broker does not know the
 * provider at all: pact's verifier reports that the same way as a provider with no pacts ("No pacts
 * found"), but the broker answers the provider's own resource with 404. Asked only on that path.
 */
export async function unknownProvider(source: BrokerPactSource & { readonly url: string; readonly provider: string }, timeoutMs: number): Promise<string | undefined> {
  const url = `${source.url.replace(/\/+$/, '')}/pacticipants/${encodeURIComponent(source.provider)}`;
  try {
    const res = await fetch(url, { headers: { accept: 'application/hal+json, application/json', ...authHeaders(source) }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return `the Pact Broker at ${source.url} knows no pacticipant '${source.provider}' (GET /pacticipants/${encodeURIComponent(source.provider)} answered 404); check --provider`;
  } catch {
    // Unreachable now: the verifier's own load failure already says what went wrong.
  }
  return undefined;
}
