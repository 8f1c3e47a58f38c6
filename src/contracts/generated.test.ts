import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { getContracts } from './load';
import { endpointStatuses, providerStateNames, statusCodes } from './generated/catalogue';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

/**
 * The TypeScript types are generated from contracts/; regenerating them must give the committed
 * files byte for byte, so data and types cannot drift apart. The generator runs in a child process
 * because json-schema-to-typescript loads prettier, whose dynamic import jest's VM cannot run.
 */
describe('generated types', () => {
  it('catalogue.ts and bodies.ts are what contracts/ generates', async () => {
    // The script from source as `npm run contracts:check` runs it, from tsc's emit when it is of the current
    // text (test-support/emit-register.js, else ts-node as the npm script does).
    const register = path.join(root, 'test-support', 'emit-register.js');
    await expect(run(process.execPath, ['-r', register, 'scripts/generate-types.ts', '--check'], { cwd: root })).resolves.toBeDefined();
  }, 60_000);

  it('the literal catalogue agrees with the loaded data', () => {
    const c = getContracts();
    expect([...statusCodes]).toEqual(c.statuses.map((s) => s.code));
    for (const e of c.endpoints()) {
      expect([...(endpointStatuses as Record<string, Record<string, readonly number[]>>)[e.api][e.id]]).toEqual(e.statuses);
    }
    expect([...providerStateNames]).toEqual(c.providerStates.map((s) => s.name));
  });
});
