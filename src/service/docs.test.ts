import * as fs from 'node:fs';
import * as path from 'node:path';
import { getContracts } from '../contracts';
import { CODES_END, CODES_START, REAL_CAUSES, renderServiceCodes, serviceCodeRows } from './docs';
import { DEMO_CREDENTIALS } from './index';

const PAGE = path.join(__dirname, '..', '..', 'docs', 'reference-service.md');
const contracts = getContracts();

function section(page: string): string {
  const start = page.indexOf(CODES_START);
  const end = page.indexOf(CODES_END);
  if (start < 0 || end < start) throw new Error(`docs/reference-service.md has no generated code section (${CODES_START} ... ${CODES_END})`);
  return page.slice(start, end + CODES_END.length);
}

describe('docs/reference-service.md', () => {
  if (process.env.UPDATE_DOCS === '1') {
    const page = fs.readFileSync(PAGE, 'utf8');
    fs.writeFileSync(PAGE, page.replace(section(page), renderServiceCodes(contracts)));
  }
  const page = fs.readFileSync(PAGE, 'utf8');

  it('has the code table contracts/ generates', () => {
    expect(section(page)).toBe(renderServiceCodes(contracts));
  });

  it('lists every code the service can answer and no code the contracts do not give it', () => {
    const listed = new Set([...section(page).matchAll(/^\| (\d+) \| (\d+) \|/gm)].map((m) => `${m[1]} ${m[2]}`));
    const expected = new Set(Object.values(contracts.apis).flatMap((api) => serviceCodeRows(contracts, api.id).map((r) => `${r.code} ${r.status}`)));
    expect([...listed].sort()).toEqual([...expected].sort());
  });

  it('explains a real cause for every cause of contracts/causes.json', () => {
    expect(Object.keys(REAL_CAUSES).sort()).toEqual(contracts.causes.map((c) => c.id).sort());
  });

  it('names the demo app key and every provider state', () => {
    expect(page).toContain(DEMO_CREDENTIALS.appKey);
    for (const s of contracts.providerStates) expect(page).toContain(`\`${s.name}\``);
  });
});
