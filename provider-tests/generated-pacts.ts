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
