/**
 * Which rule ids a config may name, and which of them each command runs. One list per command, so a
 * config that turns off a probe check does not break verify, whose --skip-rule knows only policy rules.
 * A command that brings rules of its own (lint-openapi) adds its ids here.
 */
import { listRules } from '../audit/audit';
import { listProbeChecks } from '../probe/checks';
import { listLintRules } from '../openapi/lint/lint';
import { MANDATORY_RULES } from '../broker/prepublish';

export type ConfiguredCommand = 'verify' | 'probe' | 'publish' | 'lint';

export function ruleIdsOf(command: ConfiguredCommand): string[] {
  const policy = listRules().map((r) => r.id as string);
  switch (command) {
    case 'lint':
      return listLintRules().map((r) => r.id);
    case 'publish':
      // The pre-publish gate's core cannot be turned off or down by a config either.
      return policy.filter((id) => !MANDATORY_RULES.includes(id));
    case 'probe':
      return [...policy, ...listProbeChecks().map((c) => c.id).filter((id) => !policy.includes(id))];
    default:
      return policy;
  }
}

/** Every rule id a config may name, whatever command reads it. */
export function knownRuleIds(): string[] {
  return [...new Set((['verify', 'probe', 'publish', 'lint'] as const).flatMap(ruleIdsOf))];
}
