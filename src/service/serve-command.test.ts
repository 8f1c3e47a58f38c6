import { main } from '../cli/main';
import type { CliIO } from '../cli/io';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS } from './index';

function captureIO(env: Record<string, string | undefined> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: process.cwd() };
}

// Starting the service loads contracts/ and binds two ports; a loaded CI machine can take seconds.
// These bound a hang, they measure nothing.
jest.setTimeout(30_000);

async function waitFor<T>(probe: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('push-contracts serve', () => {
  it('prints its base URL and the demo app key, serves until SIGINT, then exits 0', async () => {
    const io = captureIO();
    const exit = main(['serve', '--port', '0', '--enable-provider-states'], io);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(io.out.join(''))?.[1]);
    const text = io.out.join('');
    expect(text).toContain(`app key: ${DEMO_CREDENTIALS.appKey}`);
    expect(text).not.toContain(DEMO_CREDENTIALS.masterSecret);
    expect(text).toContain(`POST ${url}/_pact/provider-states`);
    const res = await fetch(`${url}/v3/tags`, { headers: { authorization: basicAuth(DEMO_CREDENTIALS) } });
    expect(res.status).toBe(200);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/v3/tags`)).rejects.toThrow();
  });

  it('serves the app from PUSH_APP_KEY / PUSH_MASTER_SECRET and prints neither the app key nor the secret', async () => {
    const creds = { appKey: 'envAppKey000000000000001', masterSecret: 'envMasterSecret000000001' };
    const io = captureIO({ PUSH_APP_KEY: creds.appKey, PUSH_MASTER_SECRET: creds.masterSecret });
    const exit = main(['serve', '--port', '0'], io);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(io.out.join(''))?.[1]);
    expect(io.out.join('')).toContain('credentials: from PUSH_APP_KEY and PUSH_MASTER_SECRET');
    expect(io.out.join('') + io.err.join('')).not.toContain(creds.appKey);
    expect(io.out.join('') + io.err.join('')).not.toContain(creds.masterSecret);
    expect((await fetch(`${url}/v3/tags`, { headers: { authorization: basicAuth(creds) } })).status).toBe(200);
    expect((await fetch(`${url}/v3/tags`, { headers: { authorization: basicAuth(DEMO_CREDENTIALS) } })).status).toBe(401);
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits 2 with one line for a bad port', async () => {
    const io = captureIO();
    expect(await main(['serve', '--port', 'eighty'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--port must be a port number/);
  });

  it('--deadline-ms sets the gateway deadline: a dispatcher slower than it (but faster than the default) answers 504', async () => {
    const io = captureIO();
    const exit = main(['serve', '--port', '0', '--enable-provider-states', '--deadline-ms', '80'], io);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(io.out.join(''))?.[1]);
    expect(io.out.join('')).toContain('dispatcher deadline: 80 ms');
    const push = (): Promise<Response> => fetch(`${url}/v3/push`, {
      method: 'POST',
      headers: { authorization: basicAuth(DEMO_CREDENTIALS), 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'all', audience: 'all', notification: { alert: 'hi' } }),
    });
    expect((await push()).status).toBe(200);
    // The slow dispatcher answers after twice the deadline, 160 ms: within the default 1000 ms deadline, so only the flag makes this a 504.
    const state = await fetch(`${url}/_pact/provider-states`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'the dispatcher is slow', action: 'setup' }) });
    expect(state.status).toBe(200);
    const slow = await push();
    expect(slow.status).toBe(504);
    expect(((await slow.json()) as { error: { code: number } }).error.code).toBe(9504);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
  });

  it.each(['0', 'soon', '-5', '1.5', '600001'])('exits 2 with one line for --deadline-ms %s', async (bad) => {
    const io = captureIO();
    expect(await main(['serve', '--port', '0', '--deadline-ms', bad], io)).toBe(2);
    const err = io.err.join('');
    expect(err).toContain(`--deadline-ms must be a whole number of milliseconds 1..600000, got '${bad}'`);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(io.out.join('')).not.toContain('listening on');
  });
});
