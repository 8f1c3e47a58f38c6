/**
 * Error bodies in the envelope an endpoint answers with. The form (nested {error:{code,message}} or flat
 * {code,message}) is read from the envelope schema in contracts/, not written here: an envelope schema
 * that takes the nested form gets it (both APIs' envelopes), one that only takes the flat form gets that
 * (template push). So the reference service, the builders' matchers and the audit agree by construction.
 */
import type { Contracts } from './load';

export type EnvelopeForm = 'nested' | 'flat';

const forms = new WeakMap<Contracts, Map<string, EnvelopeForm>>();

/** The form an envelope schema takes; nested wherever the schema accepts it. */
export function envelopeForm(contracts: Contracts, envelope: string): EnvelopeForm {
  const id = contracts.schemaId(envelope);
  let known = forms.get(contracts);
  if (!known) {
    known = new Map();
    forms.set(contracts, known);
  }
  let form = known.get(id);
  if (!form) {
    // Any code other than 0, which the flat shapes use for success.
    form = contracts.validate(id, { error: { code: 1, message: 'm' } }).valid ? 'nested' : 'flat';
    known.set(id, form);
  }
  return form;
}

/** An error body in an envelope: the nested form with a top-level msg_id when one was allocated, or the flat form. */
export function envelopeBody(contracts: Contracts, envelope: string, code: number, message: string, msgId?: string): Record<string, unknown> {
  if (envelopeForm(contracts, envelope) === 'flat') return { code, message };
  return { error: { code, message }, ...(msgId ? { msg_id: msgId } : {}) };
}
