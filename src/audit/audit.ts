import { getContracts, type Contracts } from '../contracts/load';
import { PushContractsError } from '../errors';
import { buildContext } from './context';
import { severityOf, type RulePolicy } from './policy';
import { rules, type RuleId } from './rules';
import type { Exchange, Finding, InteractionRef, PolicyRule } from './types';

export interface AuditOptions extends RulePolicy {
  readonly contracts?: Contracts;
  /** Only rules that make sense on a declared (pact) response, not on the wire. */
  readonly declarativeOnly?: boolean;
}

const ruleIds: ReadonlySet<string> = new Set(rules.map((r) => r.id));

/** The rules an audit runs; an unknown id in only/skip is a usage error naming it. */
export function selectRules(options: AuditOptions = {}): readonly PolicyRule[] {
  const unknown = [...(options.only ?? []), ...(options.skip ?? [])].filter((id) => !ruleIds.has(id));
  if (unknown.length > 0) {
    throw new PushContractsError('PC_ERR_USAGE', `unknown rule id ${unknown.join(', ')}; known: ${[...ruleIds].join(', ')}`);
  }
  return rules.filter(
    (r: PolicyRule) =>
      (!options.only || options.only.includes(r.id)) &&
      !(options.skip ?? []).includes(r.id) &&
      (!options.declarativeOnly || r.declarative),
  );
}

/**
 * Judges one exchange by every selected rule. Never throws: a rule that crashes becomes an error
 * finding naming it, so one bad rule cannot hide the others' findings.
 */
export function audit(ex: Exchange, options: AuditOptions = {}): Finding[] {
  const contracts = options.contracts ?? getContracts();
  const ctx = buildContext(ex, contracts);
  const findings: Finding[] = [];
  for (const rule of selectRules(options)) {
    try {
      if (rule.appliesTo && !rule.appliesTo(ex, ctx)) continue;
      for (const result of rule.check(ex, ctx)) {
        findings.push({
          ...result,
          ruleId: rule.id,
          severity: severityOf(rule, result, contracts, options),
          interaction: ex.interaction,
          ...(rule.followsFrom ? { followsFrom: rule.followsFrom } : {}),
        });
      }
    } catch (err) {
      findings.push({
        ruleId: rule.id,
        severity: 'error',
        message: `rule crashed: ${(err as Error).message}`,
        location: 'rule',
        interaction: ex.interaction,
      });
    }
  }
  return findings;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function describeInteraction(i: InteractionRef): string {
  const who = [i.consumer, i.provider].filter(Boolean).join(' -> ');
  const states = i.providerStates && i.providerStates.length > 0 ? ` given ${i.providerStates.map((s) => `'${s}'`).join(', ')}` : '';
  return `${who ? `${who}: ` : ''}'${i.description}'${states}`;
}

/** One line per finding, for consoles and logs. */
export function renderFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.ruleId} in ${describeInteraction(f.interaction)}: ${f.message} (at ${f.location})`;
}

/** The rule catalogue, for docs and `--list-rules`. */
export function listRules(): ReadonlyArray<{ id: RuleId; severity: string; title: string; declarative: boolean }> {
  return rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, declarative: r.declarative }));
}
