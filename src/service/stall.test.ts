/**
 * The dispatcher deadline counts the time the gateway's process could run. On a loaded machine the process
 * stalls; when it runs again the event loop fires due timers before it reads sockets, so without this an
 * answer that came in time would be judged after the deadline. The stall is made here by blocking the event
 * loop, so the tests are deterministic whatever the machine's load.
 */
import { DEMO_CREDENTIALS, startReferenceService, type ReferenceService } from './index';
import { DispatcherClient, MAX_DEADLINE_CREDIT, MAX_STALL_CREDIT } from './gateway/dispatcher-client';
import type { OperationRequest } from './dispatcher/operations';
import { blockThread as stall } from '../../test-support/block-thread';

const DEADLINE_MS = 100;
const tagsList: OperationRequest = { api: 'jpush-v3', endpoint: 'tags.list', appKey: DEMO_CREDENTIALS.appKey, params: {}, query: {}, body: undefined };

/**
 * Stalls for longer than a deadline each time the event loop gets to run, so every sweep runs late, until
 * `outcome` is settled.
 */
async function stallEachTurnUntilSettled(outcome: Promise<unknown>): Promise<void> {
  let settled = false;
  void outcome.then(() => (settled = true));
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    stall(DEADLINE_MS * 1.5);
  }
}

describe('dispatcher deadline under a stalled process', () => {
  let svc: ReferenceService;
  let client: DispatcherClient;
  beforeEach(async () => {
    svc = await startReferenceService({ dispatcher: { deadlineMs: DEADLINE_MS } });
    client = new DispatcherClient(() => svc.dispatcher, DEADLINE_MS);
  });
  afterEach(async () => {
    client.close();
    await svc.close();
  });

  it('answers a job the dispatcher answers promptly, though the process stalled for three deadlines after handing it over', async () => {
    const outcome = client.dispatch(tagsList, true);
    stall(3 * DEADLINE_MS);
    expect(await outcome).toMatchObject({ kind: 'done' });
  });

  it('still answers 504 (upstream.timeout) to a dispatcher that holds the job, stall or not', async () => {
    svc.dispatcher.setDelay(DEADLINE_MS * (MAX_DEADLINE_CREDIT + 10));
    const stalled = client.dispatch(tagsList, true);
    stall(3 * DEADLINE_MS);
    expect(await stalled).toEqual({ kind: 'failed', cause: 'upstream.timeout' });
    expect(await client.dispatch(tagsList, true)).toEqual({ kind: 'failed', cause: 'upstream.timeout' });
  });

  it('gives a job back at most MAX_DEADLINE_CREDIT deadlines: a process that keeps stalling still gets its 504', async () => {
    svc.dispatcher.setDelay(DEADLINE_MS * (MAX_DEADLINE_CREDIT + 10));
    const outcome = client.dispatch(tagsList, true);
    await stallEachTurnUntilSettled(outcome);
    // Had stalls kept moving the deadline, the dispatcher would have answered once its delay was over.
    expect(await outcome).toEqual({ kind: 'failed', cause: 'upstream.timeout' });
  });
});

describe('dispatcher deadline while the thread waits for a CPU', () => {
  // What the kernel would count on a loaded machine: the thread ready to run but waiting for a CPU for most of
  // the wall time (nine tenths: load ~20 on two cores), so the embedded dispatcher ran slowly without a late timer.
  let svc: ReferenceService;
  let client: DispatcherClient;
  beforeEach(async () => {
    svc = await startReferenceService({ dispatcher: { deadlineMs: DEADLINE_MS } });
    const t0 = performance.now();
    client = new DispatcherClient(() => svc.dispatcher, DEADLINE_MS, () => 0.9 * (performance.now() - t0));
  });
  afterEach(async () => {
    client.close();
    await svc.close();
  });

  it('answers a job the dispatcher answered in a tenth of the wall time it took, past the deadline by the wall clock', async () => {
    svc.dispatcher.setDelay(DEADLINE_MS * 2.5);
    expect(await client.dispatch(tagsList, true)).toMatchObject({ kind: 'done' });
  });

  it('answers a job the dispatcher answered in its time when every sweep ran late because the thread waited for a CPU', async () => {
    // A thread that gets a tenth of a CPU: every sweep fires late, and the kernel counts the lateness as waiting.
    // The job runs once the dispatcher has read it (after the first stall) and answers 5.5 deadlines later: past
    // the stalls' bound (5 deadlines from the hand-over), well before the wait's (about ten, at nine tenths).
    svc.dispatcher.setDelay(DEADLINE_MS * (MAX_STALL_CREDIT + 1.5));
    const outcome = client.dispatch(tagsList, true);
    await stallEachTurnUntilSettled(outcome);
    // Past the stalls' bound alone (a 504 then), within what the wait gives back.
    expect(await outcome).toMatchObject({ kind: 'done' });
  });

  it('still answers 504 to a dispatcher that holds the job, however long the thread waited', async () => {
    svc.dispatcher.setDelay(DEADLINE_MS * (MAX_DEADLINE_CREDIT + 10));
    expect(await client.dispatch(tagsList, true)).toEqual({ kind: 'failed', cause: 'upstream.timeout' });
  });
});
