import type { Contracts } from '../contracts/load';
import type { RuleResult, Severity } from './types';

/**
 * How a team tunes the rules: which run, and how severe their findings are. The CLI builds it from
 * push-contracts.config.json (src/config) and the --rule / --skip-rule flags; verify, probe, the
 * pre-publish check and lint all take it.
 */
export interface RulePolicy {
  /** Run only these rules (by id). */
  readonly only?: readonly string[];
  /** Skip these rules (by id). */
  readonly skip?: readonly string[];
  /** A severity per rule id; it replaces the rule's own and every per-result one, whatever the facts' certainty. */
  readonly severity?: Readonly<Record<string, Severity>>;
  /**
   * 'warning' (the default): a result resting on a fact that contracts/certainty.json does not call
   * firm (undocumented, conflicting, the project's own choice) is a warning. 'error': it keeps the
   * rule's severity.
   */
  readonly uncertainFacts?: 'warning' | 'error';
}

/** The severity of one result of one rule: the team's setting, else the result's own, else the facts' certainty, else the rule's. */
export function severityOf(
  rule: { readonly id: string; readonly severity: Severity },
  result: Pick<RuleResult, 'severity' | 'certainty'>,
  contracts: Contracts,
  policy: RulePolicy = {},
): Severity {
  const configured = policy.severity?.[rule.id];
  if (configured) return configured;
  if (result.severity) return result.severity;
  if (result.certainty !== undefined && policy.uncertainFacts !== 'error' && !contracts.isFirm(result.certainty)) return 'warning';
  return rule.severity;
}
