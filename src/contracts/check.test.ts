import * as fs from 'node:fs';
import * as path from 'node:path';
import { Contracts, getContracts } from './load';
import { checkConsistency, renderProblem } from './check';
import { defaultContractsDir } from './files';
import { tempDir } from '../../test-support/temp-dir';

/** Loads a copy of contracts/ after editing one JSON file of it. */
function withEdit(file: string, edit: (data: any) => void): Contracts {
  const root = tempDir('pc-check-');
  const dir = path.join(root, 'contracts');
  fs.cpSync(defaultContractsDir, dir, { recursive: true });
  const full = path.join(dir, file);
  const data = JSON.parse(fs.readFileSync(full, 'utf8'));
  edit(data);
  fs.writeFileSync(full, JSON.stringify(data, null, 2));
  return new Contracts(dir);
}

const problems = (c: Contracts): string[] => checkConsistency(c).map(renderProblem);

describe('checkConsistency', () => {
  it('finds the shipped contracts consistent', () => {
    expect(problems(getContracts())).toEqual([]);
  });

  it('flags a business code mapped to a status outside the catalogue', () => {
    const c = withEdit('business-codes/jpush-v3.json', (d) => { d.tables[0].codes[2].status = 422; });
    expect(problems(c)).toContain('contracts/business-codes/jpush-v3.json at /tables/0/codes/2/status: code 1002: status 422 is not one of the catalogued statuses');
  });

  it('flags an error code answered with 200', () => {
    const c = withEdit('business-codes/jpush-v3.json', (d) => { d.tables[0].codes[0].status = 200; });
    expect(problems(c)).toContain('contracts/business-codes/jpush-v3.json at /tables/0/codes/0/status: code 1000: an error code cannot be answered with 200');
  });

  it('flags a group push without per-app items, but not a group report, which judges no app', () => {
    const c = withEdit('endpoints/jpush-v3.json', (d) => { delete d.endpoints.find((e: { id: string }) => e.id === 'push.group').itemResults; });
    const found = problems(c);
    expect(found.filter((p) => p.includes('needs itemResults'))).toEqual([expect.stringMatching(/push\.group: a group push reports each app in its own item/)]);
    expect(found.join('\n')).not.toMatch(/report\.group-/);
  });

  it('flags an endpoint status without a way to elicit it', () => {
    const c = withEdit('endpoints/jpush-v3.json', (d) => { d.endpoints.find((e: { id: string }) => e.id === 'tags.list').statuses.push(404); });
    expect(problems(c).join('\n')).toMatch(/tags\.list: 404 is listed but it has no notFound/);
  });

  it('flags a 410 listed on an endpoint the catalogue never takes offline, and an offline elicitation without its 410', () => {
    const listed = withEdit('endpoints/jpush-v3.json', (d) => { d.endpoints[0].statuses.push(410); });
    expect(problems(listed).join('\n')).toMatch(/push: 410 is listed but it has no offline elicitation/);
    const unlisted = withEdit('endpoints/mtpush-v4.json', (d) => {
      const e = d.endpoints.find((x: { id: string }) => x.id === 'tags.list');
      e.statuses = e.statuses.filter((s: number) => s !== 410);
    });
    expect(problems(unlisted).join('\n')).toMatch(/tags\.list: it has offline elicitation, so 410 must be listed/);
  });

  it('flags an endpoint whose success schema does not exist', () => {
    const c = withEdit('endpoints/mtpush-v4.json', (d) => { d.endpoints[0].success = 'mtpush-v4/nothing.json'; });
    expect(problems(c).join('\n')).toMatch(/push: no schema https:\/\/push-contracts\.dev\/schemas\/mtpush-v4\/nothing\.json/);
  });

  it('flags an example that does not validate against its own schema', () => {
    const c = withEdit('schemas/jpush-v3/push.response.json', (d) => { d.examples.push({ sendno: 1 }); });
    expect(problems(c).join('\n')).toMatch(/contracts\/schemas\/jpush-v3\/push\.response\.json at \/examples\/\d+.*example does not validate/);
  });

  it('flags an orphan schema', () => {
    const root = tempDir('pc-check-');
    const dir = path.join(root, 'contracts');
    fs.cpSync(defaultContractsDir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'schemas', 'jpush-v3', 'lonely.json'), JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://push-contracts.dev/schemas/jpush-v3/lonely.json',
      type: 'object', examples: [{}],
    }));
    expect(problems(new Contracts(dir))).toContain('contracts/schemas/jpush-v3/lonely.json at /: orphan schema: no endpoint or other schema refers to it');
  });

  it('flags an unknown provider state and an unknown cause', () => {
    const c = withEdit('endpoints/jpush-v3.json', (d) => {
      d.endpoints[0].elicit.success.state.name = 'a unicorn exists';
      d.endpoints[0].elicit.badRequests[0].cause = 'request.too-pretty';
    });
    const text = problems(c).join('\n');
    expect(text).toMatch(/push: unknown provider state 'a unicorn exists'/);
    expect(text).toMatch(/push: unknown cause 'request\.too-pretty'/);
  });

  it('flags an auth failure code that is not a 401 of the family', () => {
    const c = withEdit('endpoints/jpush-v3.json', (d) => { d.families.device.authFailureCodes = [7002]; });
    expect(problems(c)).toContain('contracts/endpoints/jpush-v3.json at /families/device/authFailureCodes/0: auth failure code 7002 must be a 401 code of the family\'s tables');
  });
});
