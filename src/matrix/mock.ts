/**
 * A matrix cell's interaction played on pact's mock server for one call, with no pact file written.
 *
 * pact-js's `executeTest` writes the pact file after a passing test and then makes a fresh pact handle so the
 * PactV4 can take the next test. The matrix uses the mock server to play and match a cell's first answer and
 * reads no pact file (it is a test of clients; its pacts went to a temporary directory removed at the end of
 * the run), and it never reuses a PactV4. So it drives the PactV4's core itself: create the mock server, run
 * the call, ask the core whether every interaction was matched, shut the server down. What the matrix keeps
 * of pact is the same: the interaction built by pact-js, played and matched by pact's mock server.
 */
import type { PactV4 } from '@pact-foundation/pact';
import type { V4MockServer } from '@pact-foundation/pact/src/v4/http/types';
import { newPactV4 } from '../consumer/pact-v4';

/** The part of pact-core's ConsumerPact this module drives (pact-core 16.x `makeConsumerPact`). */
interface MockCore {
  createMockServer(address: string, requestedPort?: number, tls?: boolean): number;
  mockServerMatchedSuccessfully(port: number): boolean;
  cleanupMockServer(port: number): boolean;
}

/** The pact handle of a PactV4 (`pact`, private in its typings; the consumer builder reads it too). */
export function mockCore(pact: PactV4): MockCore {
  const core = (pact as unknown as { pact?: Partial<MockCore> }).pact;
  if (typeof core?.createMockServer !== 'function' || typeof core.mockServerMatchedSuccessfully !== 'function' || typeof core.cleanupMockServer !== 'function') {
    // Not the user's input: the pinned pact-js changed shape.
    throw new Error('pact-js PactV4 has no pact handle with createMockServer, mockServerMatchedSuccessfully and cleanupMockServer (a pact-js version this matrix was not written for)');
  }
  return core as MockCore;
}

/**
 * Starts the mock server of `pact`'s interactions, runs `test` against it and shuts it down, whatever `test`
 * does. `matched`: every interaction was matched and no request went unmatched, read after `test` settled
 * (a rejection of `test` is passed on, with the server shut down).
 */
export async function playOnMockServer<T>(pact: PactV4, test: (mock: V4MockServer) => Promise<T>): Promise<{ value: T; matched: boolean }> {
  const core = mockCore(pact);
  const host = '127.0.0.1';
  const port = core.createMockServer(host, 0, false);
  try {
    const value = await test({ port, url: `http://${host}:${port}`, id: 'unknown' });
    return { value, matched: core.mockServerMatchedSuccessfully(port) };
  } finally {
    core.cleanupMockServer(port);
  }
}

let logLevelSet = false;

/**
 * A cell's PactV4. pact-core builds a new logger (pino with pino-pretty) at each pact made with a log level,
 * whatever the level was: ~0.1 ms of CPU per cell in plain node. The first sets 'error'; later ones pass no
 * level (an empty one, which makeConsumerPact skips) and keep it.
 */
export function cellPact(provider: string): PactV4 {
  const logLevel = (logLevelSet ? '' : 'error') as 'error';
  logLevelSet = true;
  return newPactV4({ consumer: 'push-contracts-matrix', provider, logLevel });
}
