import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listRules } from '../audit/audit';

const page = readFileSync(path.join(__dirname, '../../docs/rules.md'), 'utf8');
const rows = [...page.matchAll(/^\| `([a-z0-9.-]+)` \| (error|warning) \| ([^|]+) \|/gm)].map((m) => ({ id: m[1], severity: m[2], title: m[3].trim() }));

describe('docs/rules.md', () => {
  it('lists every rule of the audit, with its severity and title, and no other', () => {
    expect(rows).toEqual(listRules().map((r) => ({ id: r.id, severity: r.severity, title: r.title })));
  });
});
