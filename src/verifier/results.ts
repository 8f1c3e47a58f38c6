/**
 * Reads the Rust verifier's JSON result (pactffi_verifier_json): pact-core resolves with it on
 * success and rejects with Error(<json>) on failure. Parsed defensively: a missing or unexpected
 * field leaves the outcome unknown rather than crashing the run.
 */

export interface VerifierError {
  /** "Verifying a pact between C and P[ Given S] - description" */
  readonly interaction: string;
  readonly messages: readonly string[];
  /** True when the verifier gave up because a provider-state setup call failed. */
  readonly stateSetupFailed: boolean;
}

export interface VerifierResults {
  readonly parsed: boolean;
  readonly result?: boolean;
  readonly errors: readonly VerifierError[];
  readonly interactionResults: ReadonlyArray<{ readonly description: string; readonly ok: boolean }>;
  /** The verifier's own text when its result could not be parsed (e.g. it could not run at all). */
  readonly raw?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function mismatchText(m: unknown): string {
  if (!isObject(m)) return String(m);
  const type = typeof m.type === 'string' ? m.type : 'Mismatch';
  const where = typeof m.path === 'string' && m.path !== '' ? ` at ${m.path}` : typeof m.key === 'string' ? ` ${m.key}` : '';
  const text = typeof m.mismatch === 'string' ? m.mismatch : typeof m.description === 'string' ? m.description : JSON.stringify(m);
  return `${type}${where}: ${text.replace(ANSI, '')}`;
}

const STATE_FAILED = /state change/i;

export function parseVerifierResults(text: string | undefined): VerifierResults {
  if (text === undefined || text.trim() === '') return { parsed: false, errors: [], interactionResults: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { parsed: false, errors: [], interactionResults: [], raw: text };
  }
  if (!isObject(doc)) return { parsed: false, errors: [], interactionResults: [], raw: text };
  const errors: VerifierError[] = [];
  for (const e of Array.isArray(doc.errors) ? doc.errors : []) {
    if (!isObject(e)) continue;
    const interaction = typeof e.interaction === 'string' ? e.interaction : '';
    const m = isObject(e.mismatch) ? e.mismatch : {};
    const messages =
      m.type === 'mismatches' && Array.isArray(m.mismatches)
        ? m.mismatches.map(mismatchText)
        : [typeof m.message === 'string' ? m.message.replace(ANSI, '') : JSON.stringify(m)];
    errors.push({ interaction, messages, stateSetupFailed: m.type === 'error' && typeof m.message === 'string' && STATE_FAILED.test(m.message) });
  }
  const interactionResults = (Array.isArray(doc.interactionResults) ? doc.interactionResults : [])
    .filter(isObject)
    .map((r) => ({ description: typeof r.description === 'string' ? r.description : '', ok: r.result === 'OK' }));
  return { parsed: true, result: typeof doc.result === 'boolean' ? doc.result : undefined, errors, interactionResults };
}

/** The errors the verifier reported for one interaction (matched by consumer, provider, states, description). */
export function errorsFor(
  results: VerifierResults,
  i: { consumer: string; provider: string; description: string; providerStates: readonly string[] },
): VerifierError[] {
  const head = `Verifying a pact between ${i.consumer} and ${i.provider}`;
  return results.errors.filter(
    (e) => e.interaction.startsWith(head) && e.interaction.endsWith(` - ${i.description}`) && i.providerStates.every((s) => e.interaction.includes(s)),
  );
}
