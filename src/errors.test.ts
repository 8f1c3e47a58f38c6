import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorCodes, PushContractsError } from './errors';

const page = readFileSync(path.join(__dirname, '../docs/errors.md'), 'utf8');
const documented = [...page.matchAll(/^\| `(PC_ERR_[A-Z_]+)` \| ([0-9]) \|/gm)].map((m) => [m[1], Number(m[2])] as const);

describe('docs/errors.md', () => {
  it('lists every PC_ERR_* code of src/errors.ts with its exit code, and no other', () => {
    const byCode = (a: readonly [string, number], b: readonly [string, number]): number => a[0].localeCompare(b[0]);
    expect([...documented].sort(byCode)).toEqual(Object.entries(errorCodes).map(([code, e]) => [code, e.exitCode] as const).sort(byCode));
  });
});

describe('PushContractsError', () => {
  it('carries its code, context and the catalogue exit code', () => {
    const err = new PushContractsError('PC_ERR_PACT_MALFORMED', 'pacts/x.json: not valid JSON', { file: 'pacts/x.json' });
    expect(err).toMatchObject({ name: 'PushContractsError', code: 'PC_ERR_PACT_MALFORMED', exitCode: 2, context: { file: 'pacts/x.json' } });
  });
});
