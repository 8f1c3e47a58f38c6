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
  /** The broker's `_id` of the interaction (set only for pacts fetched from a broker). */
  readonly interactionId?: string;
  /**
   * True when the verifier filed it under `pendingErrors`: the interaction's pact is pending (the
   * broker said so in pacts-for-verification) or the interaction itself is marked pending. Such a
   * failure does not make the verifier's result false, and must not be read as a pass either.
   */
  readonly pending: boolean;
}

export interface VerifierResults {
  readonly parsed: boolean;
  readonly result?: boolean;
  readonly errors: readonly VerifierError[];
  readonly interactionResults: ReadonlyArray<{ readonly description: string; readonly ok: boolean; readonly interactionId?: string }>;
  /** The broker's notices (pacts-for-verification), e.g. "The pact at URL is being verified because …". */
  readonly notices?: readonly string[];
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
  // pact_verifier files a pending interaction's failure (mismatches, state setup, a pact it could not
  // verify) under pendingErrors with the same shape as errors (verification_result.rs).
  const tagged = [
    ...(Array.isArray(doc.errors) ? doc.errors : []).map((e: unknown) => [e, false] as const),
    ...(Array.isArray(doc.pendingErrors) ? doc.pendingErrors : []).map((e: unknown) => [e, true] as const),
  ];
  for (const [e, pending] of tagged) {
    if (!isObject(e)) continue;
    const interaction = typeof e.interaction === 'string' ? e.interaction : '';
    const m = isObject(e.mismatch) ? e.mismatch : {};
    const messages =
      m.type === 'mismatches' && Array.isArray(m.mismatches)
        ? m.mismatches.map(mismatchText)
        : [typeof m.message === 'string' ? m.message.replace(ANSI, '') : JSON.stringify(m)];
    const interactionId = typeof m.interactionId === 'string' && m.interactionId !== '' ? m.interactionId : undefined;
    errors.push({ interaction, messages, stateSetupFailed: m.type === 'error' && typeof m.message === 'string' && STATE_FAILED.test(m.message), pending, ...(interactionId ? { interactionId } : {}) });
  }
  const interactionResults = (Array.isArray(doc.interactionResults) ? doc.interactionResults : [])
    .filter(isObject)
    .map((r) => ({
      description: typeof r.description === 'string' ? r.description : '',
      ok: r.result === 'OK',
      ...(typeof r.interactionId === 'string' && r.interactionId !== '' ? { interactionId: r.interactionId } : {}),
    }));
  const notices = (Array.isArray(doc.notices) ? doc.notices : []).filter(isObject).map((n) => (typeof n.text === 'string' ? n.text : '')).filter((t) => t !== '');
  return { parsed: true, result: typeof doc.result === 'boolean' ? doc.result : undefined, errors, interactionResults, notices };
}

/**
 * The errors the verifier reported for one interaction: by the broker's interaction id when both
 * carry one (pacts from a broker, where descriptions may repeat), else by consumer, provider, states
 * and description.
 */
export function errorsFor(
  results: VerifierResults,
  i: { consumer: string; provider: string; description: string; providerStates: readonly string[]; id?: string },
): VerifierError[] {
  const head = `Verifying a pact between ${i.consumer} and ${i.provider}`;
  return results.errors.filter((e) =>
    i.id !== undefined && e.interactionId !== undefined
      ? e.interactionId === i.id
      : e.interaction.startsWith(head) && e.interaction.endsWith(` - ${i.description}`) && i.providerStates.every((s) => e.interaction.includes(s)),
  );
}

/**
 * What the verifier's result list says of the interaction (by broker id when it has one): true when a
 * result for it is OK, false when its results are all errors, undefined when it has none.
 */
export function reportedOk(results: VerifierResults, i: { description: string; id?: string }): boolean | undefined {
  const mine = results.interactionResults.filter((r) => (i.id !== undefined && r.interactionId !== undefined ? r.interactionId === i.id : r.description === i.description));
  return mine.length === 0 ? undefined : mine.some((r) => r.ok);
}

/** Whether the verifier reported a result for the interaction (by broker id when it has one). */
export function wasVerified(results: VerifierResults, i: { description: string; id?: string }): boolean {
  return results.interactionResults.some((r) => (i.id !== undefined && r.interactionId !== undefined ? r.interactionId === i.id : r.description === i.description));
}
