/**
 * The pacts the consumer suites generated (pacts/), read through the verifier's own loader, and a
 * way to pick interactions by what they exercise (api, endpoint, status) rather than by name, so
 * the provider suites do not break when the consumer kit renames a description.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { getContracts } from '../src/contracts';
import { pactFilesIn, readPactFile, type PactInteraction } from '../src/verifier/pacts';

export const PACT_DIR = path.join(__dirname, '..', 'pacts');

/**
 * The dispatcher deadline of the reference service that replays all the generated pacts. Their 64
 * "the dispatcher is slow" interactions each wait it out (the dispatcher holds the job twenty deadlines,
 * so the 504 comes from a missed deadline), one after the other, since a slice with provider states runs
 * alone: 6.4 s of each full run asleep. It cannot be much shorter yet. The gateway's deadline counts only
 * time the process could run (a late timer, and the time the thread waited for a CPU, give the jobs in
 * flight their time back: src/service/gateway/dispatcher-client.ts), but at 20 ms verify-reference still
 * got a prompt answer judged 504: 1 and 3 in two cold provider runs at load 9-12 before the wait for a CPU
 * was counted, and after it 1 in a full `npm test` at load ~10, though six other runs (load 7-16, some
 * beside busy loops) had none.
 */
export const FULL_RUN_DEADLINE_MS = 100;

export function generatedInteractions(): PactInteraction[] {
  if (!existsSync(PACT_DIR) || pactFilesIn(PACT_DIR).length === 0) {
    throw new Error(`no pacts in ${PACT_DIR}: run \`npm run pacts\` first (npm test does)`);
  }
  return pactFilesIn(PACT_DIR).flatMap((f) => readPactFile(f).interactions);
}

export interface Pick {
  readonly api?: string;
  readonly endpoint?: string;
  readonly family?: string;
  readonly status: number;
}

/** The first generated interaction that matches, or a clear error naming what is missing. */
export function pick(interactions: readonly PactInteraction[], want: Pick): PactInteraction {
  const contracts = getContracts();
  const found = interactions.find((i) => {
    if (i.response.status !== want.status) return false;
    const route = contracts.resolve(i.request.method, i.request.path);
    if (want.api && route.api !== want.api) return false;
    if (want.endpoint && !(route.kind === 'endpoint' && route.endpoint.id === want.endpoint)) return false;
    if (want.family) {
      const family = route.kind === 'endpoint' ? route.endpoint.family : route.kind === 'method-not-allowed' ? route.family : undefined;
      if (family !== want.family) return false;
    }
    return true;
  });
  if (!found) throw new Error(`the generated pacts have no interaction for ${JSON.stringify(want)}`);
  return found;
}

/** A description filter that keeps exactly this description. */
export function exactly(description: string): string {
  return `/^${description.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$/`;
}
