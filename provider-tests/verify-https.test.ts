process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * A provider team's staging service is usually reached over TLS (docs/verifier.md's CI example passes an
 * https:// base URL). verify's recording proxy forwards every request and provider-state call to that URL,
 * so it must speak TLS to it, and check its certificate against the process's CA store: trusted through
 * NODE_EXTRA_CA_CERTS, as with any Node client, and refused, never skipped, when nothing vouches for it.
 * The provider here is the reference service behind a TLS terminator with a certificate made for the test.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { DEMO_CREDENTIALS, PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { builtCli } from '../test-support/built-cli';
import { runCliInProcess } from '../test-support/cli-in-process';
import { unknownPlatformPush, writeSmallPact } from '../test-support/small-pact';
import { tempDir } from '../test-support/temp-dir';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..');
const ENV = { PUSH_APP_KEY: DEMO_CREDENTIALS.appKey, PUSH_MASTER_SECRET: DEMO_CREDENTIALS.masterSecret };

let work: string;
let certFile: string;
let service: ReferenceService;
let terminator: tls.Server;
let tlsSessions = 0;
let baseUrl: string;

interface JsonCase {
  verdict: string;
  errors: string[];
}

beforeAll(async () => {
  work = tempDir('pc-https-');
  certFile = path.join(work, 'cert.pem');
  const keyFile = path.join(work, 'key.pem');
  // A self-signed certificate for 127.0.0.1, valid for a day; Node cannot make one without openssl. An EC
  // P-256 key, not RSA-2048: making it costs openssl ~0.01 s of CPU instead of 0.15-0.4 s, and the trust
  // being tested (NODE_EXTRA_CA_CERTS, or nothing vouching) does not depend on the key's kind.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

  service = await startReferenceService({ enableProviderStates: true, credentials: DEMO_CREDENTIALS });
  terminator = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (clear) => {
    tlsSessions++;
    const upstream = net.connect(service.port, '127.0.0.1');
    clear.pipe(upstream).pipe(clear);
    clear.on('error', () => upstream.destroy());
    upstream.on('error', () => clear.destroy());
  });
  await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(terminator.address() as AddressInfo).port}`;

  await writeSmallPact(path.join(work, 'pacts'), { consumer: 'tls-client', provider: 'jpush-v3', interactions: [unknownPlatformPush('a push to an unknown platform, over TLS')] });
});

afterAll(async () => {
  await new Promise<void>((resolve) => terminator.close(() => resolve()));
  await service.close();
});

function verifyArgs(json: string): string[] {
  return ['verify', '--pact-dir', path.join(work, 'pacts'), '--provider-base-url', baseUrl, '--provider-states-setup-url', baseUrl + PROVIDER_STATES_PATH, '--json', json];
}

function casesOf(json: string): JsonCase[] {
  return (JSON.parse(fs.readFileSync(json, 'utf8')) as { cases: JsonCase[] }).cases;
}

describe('verify against a provider reached over https', () => {
  it('replays the interaction and its provider state through TLS when the CA is trusted (NODE_EXTRA_CA_CERTS)', async () => {
    const json = path.join(work, 'trusted.json');
    const before = tlsSessions;
    // NODE_EXTRA_CA_CERTS is read when a process starts, so this run is the built CLI in a child process.
    const run = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [builtCli(), ...verifyArgs(json)], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, PACT_DO_NOT_TRACK: 'true', NODE_EXTRA_CA_CERTS: certFile, ...ENV } },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
    });
    expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 });
    expect(casesOf(json).map((c) => c.verdict)).toEqual(['passed']);
    expect(tlsSessions).toBeGreaterThan(before);
  });

  it('fails the case with the certificate error, instead of skipping the check, when nothing vouches for the certificate', async () => {
    const json = path.join(work, 'untrusted.json');
    const run = await runCliInProcess(verifyArgs(json), work, { PATH: process.env.PATH, HOME: process.env.HOME, ...ENV });
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}${fs.existsSync(json) ? JSON.stringify(casesOf(json)) : ''}`).toMatch(/SELF_SIGNED_CERT/);
  });
});
