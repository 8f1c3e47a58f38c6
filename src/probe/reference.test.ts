import * as http from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { getContracts } from '../contracts/load';
import type { ApiId } from '../contracts/types';
import { basicAuth, secretForms, type Credentials } from '../credentials';
import { allFindings, runPassed } from '../report/model';
import { DEMO_DEVICE, DEMO_GROUP_CREDENTIALS, startReferenceService, type ReferenceService } from '../service';
import { runProbe, SILENT_CASES_BEFORE_GIVING_UP } from './run';
import { main } from '../cli/main';
import { tempDir } from '../../test-support/temp-dir';
import { refusedPort } from '../matrix/servers';

const APIS: readonly ApiId[] = ['jpush-v3', 'mtpush-v4'];
const contracts = getContracts();
const CREDENTIALS: Credentials = { appKey: 'probeTestAppKey000000001', masterSecret: 'probeTestSecret000000001' };

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('probe against the reference service', () => {
  let svc: ReferenceService;
  beforeAll(async () => {
    svc = await startReferenceService({ credentials: CREDENTIALS });
  });
  afterAll(() => svc.close());
  afterEach(() => svc.reset());

  it.each(APIS)('passes %s with no finding, every case answered with the status its cause requires', async (api) => {
    const result = await runProbe({ baseUrl: svc.url, api, credentials: CREDENTIALS });
    expect(allFindings(result.model)).toEqual([]);
    expect(runPassed(result.model)).toBe(true);
    expect(result.model.cases.length).toBeGreaterThan(50);
    for (const c of result.model.cases) expect({ case: c.ref.description, status: c.status.actual }).toEqual({ case: c.ref.description, status: c.status.expected });
    // The catalogue's 5xx and 403 need service-side conditions: they must be listed, never passed.
    expect(result.notCovered.some((n) => n.status === 503)).toBe(true);
    expect(result.model.cases.some((c) => c.status.actual === 503)).toBe(false);
    // Without the group's credentials, group push is probed only for its refusals; the rest is said, not passed.
    const group = result.notCovered.filter((n) => n.endpoint === 'push.group');
    expect(group.map((n) => n.status)).toEqual(expect.arrayContaining([200, 400]));
    expect(group.find((n) => n.status === 400)?.reason).toContain('PUSH_GROUP_KEY');
    expect(result.model.cases.some((c) => c.endpoint?.id === 'push.group' && c.status.actual === 401)).toBe(true);
  });

  it.each(APIS)('covers every 200 of %s when the caller names existing resources and allows writes', async (api) => {
    await svc.setUpState('a schedule exists', { schedule_id: '0eac1b80-c2ac-4b69-948b-c65b34b96599' });
    await svc.setUpState('a message was sent', { msg_id: '4242' });
    await svc.setUpState('a push plan exists', { plan_id: 'plan_4242' });
    await svc.setUpState('a file was uploaded', { file_id: 'file_4242', registration_id: DEMO_DEVICE.registrationId });
    await svc.setUpState('an image was added', { media_id: 'jgmedia-1-4242' });
    await svc.setUpState('a group push was sent', { group_msgid: 'group4242' });
    const result = await runProbe({
      baseUrl: svc.url, api, credentials: CREDENTIALS, groupCredentials: DEMO_GROUP_CREDENTIALS, allowWrites: true, vip: true,
      ids: { registration_id: DEMO_DEVICE.registrationId, alias: DEMO_DEVICE.alias, schedule_id: '0eac1b80-c2ac-4b69-948b-c65b34b96599', msg_id: '4242', plan_id: 'plan_4242', file_id: 'file_4242', media_id: 'jgmedia-1-4242', group_msgid: 'group4242' },
    });
    expect(allFindings(result.model)).toEqual([]);
    const successes = result.model.cases.filter((c) => c.status.expected === 200);
    expect(successes.length).toBe(new Set(result.model.cases.map((c) => c.endpoint?.id).filter(Boolean)).size);
    // Every catalogued endpoint's 200 is covered; what stays listed is the documented endpoints left out of the catalogue.
    expect(result.notCovered.filter((n) => n.status === 200 && n.endpoint !== null)).toEqual([]);
    expect(result.notCovered.filter((n) => n.endpoint === null).map((n) => n.reason)).toEqual(
      contracts.apis[api].outOfScope.map((o) => expect.stringContaining(`out of scope, not catalogued: ${o.methods.join(', ')} ${o.path}`)),
    );
  });

  it('reports an unreachable service as PC_ERR_PROVIDER_UNREACHABLE without a single case', async () => {
    await expect(runProbe({ baseUrl: `http://127.0.0.1:${await refusedPort()}`, api: 'jpush-v3', credentials: CREDENTIALS })).rejects.toMatchObject({ code: 'PC_ERR_PROVIDER_UNREACHABLE' });
  });

  it('records a case the service does not answer in time as an infrastructure error and fails the run', async () => {
    // Hangs on the wrong-method request only, as a service whose router stalls on unknown methods would.
    const forward = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const out = http.request(`${svc.url}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 500, up.headers);
        up.pipe(res);
      });
      req.pipe(out);
    };
    const stalling = await listen((req, res) => (req.method === 'PUT' ? undefined : forward(req, res)));
    try {
      const result = await runProbe({ baseUrl: stalling.url, api: 'mtpush-v4', endpoints: ['tags.list'], credentials: CREDENTIALS, timeoutMs: 100 });
      const stalled = result.model.cases.filter((c) => c.status.actual === null);
      expect(stalled.map((c) => c.request.method)).toEqual(['PUT']);
      expect(stalled[0].errors[0]).toContain('100 ms');
      expect(runPassed(result.model)).toBe(false);
    } finally {
      await stalling.close();
    }
  });

  it('gives up with PC_ERR_PROVIDER_TIMEOUT when the service answers none of the first requests', async () => {
    let received = 0;
    const hanging = await listen(() => void (received += 1));
    try {
      await expect(runProbe({ baseUrl: hanging.url, api: 'jpush-v3', credentials: CREDENTIALS, timeoutMs: 100 })).rejects.toMatchObject({ code: 'PC_ERR_PROVIDER_TIMEOUT' });
      // It stopped after the first requests instead of waiting out every case (counted, not timed: a loaded machine is slow).
      expect(received).toBe(SILENT_CASES_BEFORE_GIVING_UP);
    } finally {
      await hanging.close();
    }
  });
});

describe('probe credentials', () => {
  // A service that echoes the Authorization header into a 200 error: the finding quotes it, so only masking keeps it out.
  const leaky: http.RequestListener = (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 1000, message: `you sent ${req.headers.authorization ?? 'nothing'}` } }));
  };

  it('masks the secret and its Basic form in stdout, JSON, HTML and JUnit even when the service echoes them', async () => {
    const server = await listen(leaky);
    const dir = tempDir('probe-mask-');
    const out: string[] = [];
    try {
      const code = await main(
        ['probe', '--base-url', server.url, '--api', 'jpush-v3', '--endpoints', 'tags.list', '--json', path.join(dir, 'r.json'), '--html', path.join(dir, 'r.html'), '--junit', path.join(dir, 'junit')],
        { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: { PUSH_APP_KEY: CREDENTIALS.appKey, PUSH_MASTER_SECRET: CREDENTIALS.masterSecret }, cwd: dir },
      );
      expect(code).toBe(1);
      const texts = [out.join(''), ...['r.json', 'r.html'].map((f) => readFileSync(path.join(dir, f), 'utf8')), ...readdirSync(path.join(dir, 'junit')).map((f) => readFileSync(path.join(dir, 'junit', f), 'utf8'))];
      // The leak is real: the service did put the header into the body the findings quote.
      expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).toContain('you sent ***');
      for (const text of texts) {
        for (const secret of secretForms(CREDENTIALS)) expect(text).not.toContain(secret);
      }
      expect(basicAuth(CREDENTIALS)).toContain(secretForms(CREDENTIALS)[1]);
    } finally {
      await server.close();
    }
  });
});
