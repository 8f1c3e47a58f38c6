/**
 * The resilience matrix on two real clients: the reference client (which must be as specified in every
 * cell) and the official jpush-async npm client, whose findings docs/resilience-matrix.md records. The
 * jpush-async assertions pin what the matrix found, so a new jpush-async release that changes behaviour
 * fails here and the docs get re-read. Reports are written to reports/resilience-matrix/.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planInteraction } from '../src/consumer';
import { getContracts, type ApiId } from '../src/contracts';
import { matrixConforms, referenceAdapter, renderMatrixJson, renderMatrixMarkdown, runMatrix, type MatrixResult } from '../src/matrix';
import { jpushAsyncAdapter } from './adapters/jpush-async';

process.env.PACT_DO_NOT_TRACK = 'true';

const HANG_MS = 800;
const OUT = path.resolve(__dirname, '..', 'reports', 'resilience-matrix');

function save(name: string, result: MatrixResult): void {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `${name}.md`), renderMatrixMarkdown(result));
  fs.writeFileSync(path.join(OUT, `${name}.json`), renderMatrixJson(result));
}

describe('resilience matrix', () => {
  describe.each(['jpush-v3', 'mtpush-v4'] as ApiId[])('reference client on %s', (api) => {
    let result: MatrixResult;
    beforeAll(async () => {
      result = await runMatrix(referenceAdapter(api), { hangTimeoutMs: HANG_MS });
      save(`reference-${api}`, result);
    }, 60_000);

    it('covers every endpoint and catalogued status, plus an HTML 502 per endpoint', () => {
      const contracts = getContracts();
      expect(result.unsupported).toEqual([]);
      const expected = contracts.endpoints(api).reduce((n, e) => n + e.statuses.length + (e.statuses.includes(502) ? 1 : 0), 0);
      expect(result.cells).toHaveLength(expected);
    });

    it('is as specified in every cell: success on 200, a typed error with the right status and code otherwise', () => {
      expect(result.cells.filter((c) => !c.asSpecified)).toEqual([]);
      expect(matrixConforms(result)).toBe(true);
      for (const c of result.cells.filter((x) => x.status !== 200)) {
        expect(c.reportedStatus).toBe(c.status);
        if (c.variant === 'catalogue') expect(c.reportedCode).toBe(c.expectedCode);
      }
    });

    it('retries only what the policy allows: 429 and 502/503/504 (a sending call without cid excepted), never another 4xx or 500', () => {
      const contracts = getContracts();
      for (const c of result.cells) {
        const advice = contracts.status(c.status)?.retry;
        const sends = contracts.endpoint(api, c.endpoint).sends;
        const cid = (planInteraction(api, c.endpoint, 200).example.body as { cid?: string } | undefined)?.cid;
        const retried = advice === 'after-rate-limit-reset' || (advice === 'backoff' && (!sends || cid !== undefined));
        expect({ cell: `${c.endpoint} ${c.status} ${c.variant}`, retries: c.retries }).toEqual({ cell: `${c.endpoint} ${c.status} ${c.variant}`, retries: retried ? 2 : 0 });
      }
    });
  });

  describe('jpush-async (official npm client) on jpush-v3', () => {
    let result: MatrixResult;
    beforeAll(async () => {
      result = await runMatrix(jpushAsyncAdapter(), { hangTimeoutMs: HANG_MS });
      save('jpush-async', result);
    }, 60_000);

    const cells = (pred: (c: MatrixResult['cells'][number]) => boolean) => result.cells.filter(pred);

    it('has no usable call for cid, withdraw, device status, tag membership and deletion, alias device removal or schedule msg_ids', () => {
      expect([...result.unsupported].sort()).toEqual(['aliases.remove-devices', 'device.status', 'push.cid', 'push.withdraw', 'schedules.msg-ids', 'tags.delete', 'tags.has-device']);
    });

    it('hangs forever on a 200 with an empty body (it resolves on the first data chunk, which never comes)', () => {
      const contracts = getContracts();
      const emptySuccess = contracts.endpoints('jpush-v3').filter((e) => e.success === 'empty' && result.cells.some((c) => c.endpoint === e.id)).map((e) => e.id);
      expect(emptySuccess.length).toBeGreaterThan(0);
      expect(cells((c) => c.outcome === 'hang').map((c) => `${c.endpoint} ${c.status}`).sort()).toEqual(emptySuccess.map((e) => `${e} 200`).sort());
    });

    it('crashes with a TypeError, not its own error, on an HTML 502 from a proxy', () => {
      const html = cells((c) => c.variant === 'html-502');
      expect(html.length).toBeGreaterThan(0);
      for (const c of html) {
        expect(c.outcome).toBe('untyped-crash');
        expect(c.detail).toMatch(/^TypeError/);
      }
    });

    it('throws its typed APIRequestError on every JSON error status, but with httpCode undefined: the status is lost', () => {
      const jsonErrors = cells((c) => c.variant === 'catalogue' && c.status !== 200);
      expect(jsonErrors.length).toBeGreaterThan(0);
      for (const c of jsonErrors) {
        expect(c.outcome).toBe('typed-error');
        expect(c.reportedStatus).toBeUndefined();
        expect(c.reportedCode).toBe(c.expectedCode);
      }
    });

    it('never retries: not on 429, not on 502/503/504', () => {
      expect(cells((c) => c.retries > 0)).toEqual([]);
    });

    it('sends no query string at all (Request2 keeps only the URL pathname)', () => {
      const issues = new Set(result.cells.flatMap((c) => c.requestIssues));
      expect(issues).toContain('query msg_ids not sent');
      expect(issues).toContain('query page not sent');
    });
  });

  describe('jpush-async beyond the matrix: transport and framing, each in its own process', () => {
    interface Child {
      code: number;
      stdout: string;
      stderr: string;
    }
    const child = (scenario: string): Promise<Child> =>
      new Promise((resolve) => {
        execFile(process.execPath, [path.join(__dirname, 'adapters', 'jpush-async-child.js'), scenario], { timeout: 10_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
        });
      });
    let runs: Record<string, Child>;
    beforeAll(async () => {
      const names = ['chunked-200', 'no-content-type', 'empty-200-closed', 'no-answer', 'refused'];
      const results = await Promise.all(names.map(child));
      runs = Object.fromEntries(names.map((n, i) => [n, results[i]]));
    }, 30_000);

    it('kills the process with an uncaught SyntaxError when a 200 body arrives in more than one chunk', () => {
      expect(runs['chunked-200'].code).toBe(1);
      expect(runs['chunked-200'].stderr).toMatch(/SyntaxError[^\n]*JSON/);
      expect(runs['chunked-200'].stderr).toContain('Request2.js');
    });

    it('kills the process with an uncaught TypeError when a response has no Content-Type', () => {
      expect(runs['no-content-type'].code).toBe(1);
      expect(runs['no-content-type'].stderr).toContain("Cannot read properties of undefined (reading 'indexOf')");
    });

    it('never settles on an empty 200, even after the server closes the connection', () => {
      expect(JSON.parse(runs['empty-200-closed'].stdout)).toEqual({ outcome: 'pending', afterMs: 1500 });
    });

    it('never settles when the server does not answer, although readTimeOut is 300 ms', () => {
      expect(JSON.parse(runs['no-answer'].stdout)).toEqual({ outcome: 'pending', afterMs: 1500 });
    });

    it('rejects a refused connection with a TypeError, not its APIConnectionError', () => {
      expect(JSON.parse(runs.refused.stdout)).toEqual({ outcome: 'rejected', name: 'TypeError', message: "Cannot read properties of undefined (reading 'code')" });
    });
  });
});
