import * as fs from 'node:fs';
import { getContracts } from './load';
import { POLICY_DOC, generatePolicyDoc } from '../../scripts/generate-docs';

describe('docs/policy.md', () => {
  it('is exactly what contracts/ generates, so the tables cannot drift from the data', () => {
    expect(fs.readFileSync(POLICY_DOC, 'utf8')).toBe(generatePolicyDoc(getContracts()));
  });

  it('lists every business code of both APIs', () => {
    const page = fs.readFileSync(POLICY_DOC, 'utf8');
    for (const api of Object.values(getContracts().apis)) {
      for (const t of api.codeTables) for (const code of t.codes) expect(page).toContain(`| ${code.code} | ${code.status} |`);
    }
  });
});
