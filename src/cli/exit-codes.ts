import type { Command } from 'commander';

/**
 * What each command exits with, written once: main() appends it to each command's --help, and
 * docs/reports.md points here instead of repeating it. 2 is always a usage or
 * infrastructure error (bad flag, unreadable input, unreachable provider or broker).
 */
export const EXIT_CODES: Readonly<Record<string, readonly [string, string, string]>> = {
  'contracts check': ['contracts/ is consistent', 'inconsistencies found', 'usage error or contracts/ unreadable or invalid'],
  'contracts catalogue': ['catalogue printed', '(not used)', 'usage error or contracts/ unreadable'],
  probe: ['every answer conforms to the policy', 'a policy violation or a failed probe case', 'usage error, missing credentials, or the service unreachable'],
  publish: ['pacts published', 'refused: a pact breaks the policy or carries a secret (nothing published)', 'usage error, or the broker unreachable, unauthorized or refusing'],
  'can-i-deploy': ['deployable (or --dry-run)', 'not deployable, or unknown (verification results missing)', 'usage error, the broker unreachable, unauthorized or refusing, or an unknown pacticipant, version or environment'],
  'record-deployment': ['deployment recorded', '(not used)', 'usage error, or the broker unreachable, unauthorized or refusing'],
  verify: ['every interaction passes and conforms to the policy (failures of pending pacts, reported as pending-failed, do not fail it)', 'a pact mismatch, a policy violation, or an interaction no request reached (not-verified)', 'usage error, malformed pact, the provider or broker unreachable, --publish results not recorded by the broker, or PACT_DESCRIPTION / PACT_PROVIDER_STATE in the environment making the verifier skip interactions'],
  start: ['every interaction passes and conforms to the policy', 'a pact mismatch or a policy violation', 'pact generation failed, or the service could not start'],
  serve: ['stopped by SIGINT or SIGTERM', '(not used)', 'usage error (e.g. a bad --port) or the service could not start'],
  'merge-reports': ['the combined run passes', 'a case of some shard failed', 'usage error: a report unreadable or not a shard, a shard missing or given twice'],
  'lint-openapi': ['the document conforms to the policy (warnings only, or none)', 'a policy violation in the document', 'usage error, or the document unreadable or not OpenAPI 3.x'],
  openapi: ['documents written, or up to date (--check)', 'a document differs from a fresh export (--check)', 'usage error or contracts/ unreadable'],
  matrix: ['every cell as specified', 'a cell not as specified: a wrong outcome, a broken retry expectation, or no request reached the server', 'usage or infrastructure error: a bad adapter (PC_ERR_ADAPTER), an empty selection, no cell exercised at all'],
};

export function exitCodesHelp(name: string): string | undefined {
  const codes = EXIT_CODES[name];
  if (!codes) return undefined;
  return `\nExit codes:\n${codes.map((t, i) => `  ${i}  ${t}`).join('\n')}\n`;
}

/** Appends "Exit codes:" to the --help of every command (and sub-command) listed in EXIT_CODES. */
export function addExitCodesHelp(program: Command): void {
  const visit = (cmd: Command, prefix: string): void => {
    for (const sub of cmd.commands) {
      const name = prefix ? `${prefix} ${sub.name()}` : sub.name();
      const help = exitCodesHelp(name);
      if (help) sub.addHelpText('after', help);
      visit(sub, name);
    }
  };
  visit(program, '');
}
