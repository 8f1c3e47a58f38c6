import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listRules } from '../audit/audit';
import { rules } from '../audit/rules';

const page = readFileSync(path.join(__dirname, '../../docs/rules.md'), 'utf8');
const rows = [...page.matchAll(/^\| `([a-z0-9.-]+)` \| (error|warning) \| ([^|]+) \|/gm)].map((m) => ({ id: m[1], severity: m[2], title: m[3].trim() }));

describe('docs/rules.md', () => {
  it('lists every rule of the audit, with its severity and title, and no other', () => {
    expect(rows).toEqual(listRules().map((r) => ({ id: r.id, severity: r.severity, title: r.title })));
  });
});

describe('the follows-from column of docs/rules.md', () => {
  it('says for every rule the causes its findings fold under, as the rule defines them', () => {
    const documented = [...page.matchAll(/^\| `([a-z0-9.-]+)` \| (?:error|warning) \|.*\| ([^|]*) \|$/gm)].map((m) => ({
      id: m[1],
      followsFrom: m[2].trim() === '—' ? [] : [...m[2].matchAll(/`([a-z0-9.-]+)`/g)].map((x) => x[1]),
    }));
    expect(documented).toEqual(rules.map((r) => ({ id: r.id, followsFrom: [...(r.followsFrom ?? [])] })));
  });
});
