/**
 * Transport limits, over raw sockets: bodies over the limit are refused without being read whole, and
 * clients that do not finish their request in time are cut off. The body-limit tests run against a service
 * with the default request timeout, the slow-client tests against one with a short one: with 300 ms for every
 * test, a loaded machine that kept this thread from running for 300 ms between the request's head and its
 * 400 let Node's timeout check (a timer, run before the socket is read) cut off a request the limit answers.
 */
import * as net from 'node:net';
import { getContracts } from '../contracts';
import { basicAuth } from '../credentials';
import { DEMO_CREDENTIALS, startReferenceService, type ReferenceService } from './index';
import { runQueueWaitMs } from '../patient-timer';

const contracts = getContracts();
const BODY_LIMIT = 16 * 1024;
const REQUEST_TIMEOUT_MS = 300;

interface RawExchange {
  readonly response: string;
  /** Body bytes the client had written when the first response byte arrived. */
  readonly sentWhenAnswered: number;
  readonly closedAfterMs: number;
  /** closedAfterMs less the time this thread waited for a CPU meanwhile: what a loaded machine added is not the server's. */
  readonly closedAfterRunnableMs: number;
}

/** Opens a socket, writes the head, then feeds body chunks until the server answers or closes. */
function rawRequest(port: number, head: string, chunk: Buffer | undefined, maxBytes: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const waited = runQueueWaitMs();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    let sentWhenAnswered = -1;
    let closed = false;
    const feed = (): void => {
      while (chunk && !closed && sentWhenAnswered < 0 && sent < maxBytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', feed);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      feed();
    });
    socket.on('data', (d: Buffer) => {
      if (sentWhenAnswered < 0) sentWhenAnswered = sent;
      response += d.toString('utf8');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server closing on a client still writing shows up as a reset; the answer is already read.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      closed = true;
      const closedAfterMs = Date.now() - started;
      resolve({ response, sentWhenAnswered, closedAfterMs, closedAfterRunnableMs: closedAfterMs - (runQueueWaitMs() - waited) });
    });
  });
}

function bodyOf(response: string): any {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}

describe('reference service transport limits', () => {
  /** The body limit, the default request timeout. */
  let svc: ReferenceService;
  /** The body limit, a short request timeout. */
  let hasty: ReferenceService;
  const auth = basicAuth(DEMO_CREDENTIALS);
  const tooLarge = contracts.codeFor('jpush-v3', 'push', 'request.too-large')!;

  beforeAll(async () => {
    svc = await startReferenceService({ limits: { bodyBytes: BODY_LIMIT } });
    hasty = await startReferenceService({ limits: { bodyBytes: BODY_LIMIT, requestTimeoutMs: REQUEST_TIMEOUT_MS } });
  });
  afterAll(async () => {
    await svc.close();
    await hasty.close();
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const declared = 100 * 1024 * 1024;
    const head = `POST /v3/push HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`;
    const x = await rawRequest(svc.port, head, Buffer.alloc(1024, 'a'), 8 * 1024);
    expect(x.response).toMatch(new RegExp(`^HTTP/1.1 ${tooLarge.status} `));
    expect(x.response).toMatch(/\r\nconnection: close\r\n/i);
    expect(bodyOf(x.response).error.code).toBe(tooLarge.code);
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const head = `POST /v3/push HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const size = 4096;
    const chunk = Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 'a'), Buffer.from('\r\n')]);
    const cap = 256 * 1024 * 1024;
    const x = await rawRequest(svc.port, head, chunk, cap);
    expect(x.response).toMatch(new RegExp(`^HTTP/1.1 ${tooLarge.status} `));
    expect(bodyOf(x.response).error.code).toBe(tooLarge.code);
    // Answered long before the client could write its whole body: the server read a bounded prefix.
    expect(x.sentWhenAnswered).toBeLessThan(cap / 4);
  });

  it('cuts off a client that never finishes its headers, without an answer outside the policy', async () => {
    const x = await rawRequest(hasty.port, 'POST /v3/push HTTP/1.1\r\nHost: x\r\n', undefined, 0);
    expect(x.response).toBe('');
    expect(x.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(x.closedAfterRunnableMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
  });

  it('cuts off a client that stops sending its body', async () => {
    const head = `POST /v3/push HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"platform":`;
    const x = await rawRequest(hasty.port, head, undefined, 0);
    expect(x.response).not.toMatch(/^HTTP\/1.1 (408|413|2)/);
    expect(x.closedAfterRunnableMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2000);
  });

  it('answers bytes that are not HTTP with a 400 envelope', async () => {
    const x = await rawRequest(svc.port, 'HELLO THERE\r\n\r\n', undefined, 0);
    expect(x.response).toMatch(/^HTTP\/1.1 400 /);
    expect(contracts.validate(contracts.apis['jpush-v3'].errorEnvelope, bodyOf(x.response)).valid).toBe(true);
  });

  it('keeps serving after all of that', async () => {
    for (const s of [svc, hasty]) {
      const res = await fetch(`${s.url}/v3/tags`, { headers: { authorization: auth } });
      expect(res.status).toBe(200);
    }
  });
});
