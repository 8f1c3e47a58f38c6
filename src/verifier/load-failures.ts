import type { ErrorCode } from '../errors';

/** A verifier failure that is about fetching pacts, not about the provider. */
export interface PactLoadFailure {
  readonly code: ErrorCode;
  readonly message: string;
  /** true: the run is inconclusive (exit 2); false: a finding of the run (exit 1), e.g. no pacts found. */
  readonly infrastructure: boolean;
}

/**
 * The Rust verifier reports a broker it could not read as an error entry "Failed to load pact" and
 * otherwise finishes normally, with no interaction at all. Left alone that looks like a clean run; this
 * names it: refused credentials, an unreachable broker or 5xx, or simply no pacts to verify.
 */
export function pactLoadFailures(errors: ReadonlyArray<{ readonly interaction: string; readonly messages: readonly string[] }>): PactLoadFailure[] {
  return errors
    .filter((e) => !e.interaction.startsWith('Verifying a pact between'))
    .map((e) => {
      const text = `${e.interaction}: ${e.messages.join('; ')}`;
      const status = /failed: (\d{3})\b/.exec(text)?.[1];
      if (status === '401' || status === '403') {
        return { code: 'PC_ERR_BROKER_UNAUTHORIZED', message: `the Pact Broker refused the credentials (${status}); check PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PACT_BROKER_PASSWORD. ${text}`, infrastructure: true };
      }
      if ((status !== undefined && status.startsWith('5')) || /Failed to access pact broker|error sending request|connection refused/i.test(text)) {
        return { code: 'PC_ERR_BROKER_UNREACHABLE', message: `the Pact Broker could not be reached${status ? ` (answered ${status})` : ''}: ${text}`, infrastructure: true };
      }
      return { code: 'PC_ERR_BROKER_REJECTED', message: text, infrastructure: status !== undefined };
    });
}
