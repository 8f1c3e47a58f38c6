import type { PolicyRule } from './types';

/** Identity helper that keeps a rule's literal id, so rules/index.ts can derive the RuleId union. */
export function defineRule<Id extends string>(rule: PolicyRule<Id>): PolicyRule<Id> {
  return rule;
}

/** Turns an ajv instance pointer (/error/code) into a dotted location (response.body.error.code). */
export function bodyLocation(pointer: string): string {
  const dotted = pointer.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
  return dotted ? `response.body.${dotted}` : 'response.body';
}
