import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OperationError, runOperation, type OperationRequest } from './operations';
import { QueueFullError, WorkQueue } from './queue';
import { DispatcherStore } from './store';
import { decodeJob, encodeFrame, FRAME, FrameReader, FrameWriter, type FrameKind } from './wire';

export interface DispatcherOptions {
  /** Jobs that may wait for a worker; one more is refused with 503. */
  readonly queueCapacity: number;
  readonly workers: number;
  /** Largest job the dispatcher reads; the gateway's own body limit is far below it. */
  readonly maxJobBytes: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  queueCapacity: 1024,
  workers: 16,
  maxJobBytes: 4 * 1024 * 1024,
};

/** What tests and provider states can do to the dispatcher: each is a real condition, not an answer switch. */
export interface DispatcherControl {
  /** Where the dispatcher listens, `unix:<path>`: it speaks the framed protocol of ./wire.ts, not HTTP. */
  readonly url: string;
  /**
   * Its socket: a path in a directory only this process creates (a named pipe on Windows). Stopped, nobody
   * listens there and nobody else can: a connection always fails, as to a second tier that is down.
   */
  readonly path: string;
  readonly running: boolean;
  readonly store: DispatcherStore;
  readonly queue: WorkQueue;
  /** Stops listening and drops every connection: its socket is gone, as when the process is down. */
  stop(): Promise<void>;
  /** Listens again on the same socket. */
  start(): Promise<void>;
  /** Every job waits this long before it is queued (0: none); a slow backend. */
  setDelay(ms: number): void;
  readonly delayMs: number;
  /** In maintenance every job is refused with 503. */
  setMaintenance(on: boolean): void;
  readonly maintenance: boolean;
  /** Pauses the workers and fills the queue to capacity with deliveries they do not take. */
  fillQueue(): void;
  /** Resumes the workers; the queue drains. */
  resumeWorkers(): void;
  /** Back to a clean dispatcher: running, empty store, no delay, no maintenance, workers running. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** One gateway connection: its batched writer and the jobs accepted on it and not yet answered. */
interface Link {
  readonly socket: net.Socket;
  readonly writer: FrameWriter;
  /** Job ids accepted and not answered; a job whose id left it (cancelled, connection gone) is not run. */
  readonly live: Set<number>;
  /** Jobs waiting out the dispatcher's delay, by id. */
  readonly delayed: Map<number, NodeJS.Timeout>;
}

/**
 * The second tier: a TCP server on its own port that takes jobs from the gateway as frames (./wire.ts),
 * runs them through a bounded work queue and answers each with done, refused (a business cause), failed
 * (the job threw) or overloaded (queue full, maintenance). The gateway owns every public status; these
 * are only its inputs.
 */
class Dispatcher implements DispatcherControl {
  readonly store = new DispatcherStore();
  readonly queue: WorkQueue;
  private server: net.Server;
  private readonly links = new Set<Link>();
  private listening = false;
  private delay = 0;
  private inMaintenance = false;
  /**
   * The directory of the socket, private to this process (mkdtemp, mode 0700): a stopped dispatcher's address
   * cannot be taken by another process, where a closed TCP port could be given to anyone's next listen and
   * turn "the dispatcher is down" into whatever answered there. Removed by close().
   */
  private readonly dir: string | undefined;
  readonly path: string;
  private everListened = false;

  constructor(private readonly options: DispatcherOptions, private readonly now: () => number) {
    this.queue = new WorkQueue(options.queueCapacity, options.workers);
    this.server = this.createServer();
    if (process.platform === 'win32') {
      this.path = `\\\\.\\pipe\\push-contracts-dispatcher-${randomBytes(12).toString('hex')}`;
    } else {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-dispatcher-'));
      this.path = path.join(this.dir, 'dispatcher.sock');
    }
  }

  get url(): string {
    return `unix:${this.path}`;
  }

  get running(): boolean {
    return this.listening;
  }

  get delayMs(): number {
    return this.delay;
  }

  get maintenance(): boolean {
    return this.inMaintenance;
  }

  private createServer(): net.Server {
    return net.createServer((socket) => this.link(socket));
  }

  async start(): Promise<void> {
    if (this.listening) return;
    // A closed server cannot listen again; a restarted process gets a fresh one.
    if (this.everListened) this.server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.everListened = true;
    this.listening = true;
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    // Jobs still waiting die with the process; none of them was answered.
    this.queue.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of this.links) link.socket.destroy();
    await closed;
  }

  setDelay(ms: number): void {
    this.delay = Math.max(0, ms);
  }

  setMaintenance(on: boolean): void {
    this.inMaintenance = on;
  }

  fillQueue(): void {
    this.queue.pause();
    // Deliveries the paused workers would retry; they carry nothing a client is waiting for.
    while (this.queue.length < this.queue.capacity) this.queue.enqueue(() => undefined);
  }

  resumeWorkers(): void {
    this.queue.resume();
  }

  async reset(): Promise<void> {
    this.delay = 0;
    this.inMaintenance = false;
    this.queue.clear();
    this.queue.resume();
    this.store.clear();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    this.queue.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private link(socket: net.Socket): void {
    socket.setNoDelay(true);
    const link: Link = { socket, writer: new FrameWriter(socket, 'callback'), live: new Set(), delayed: new Map() };
    this.links.add(link);
    const reader = new FrameReader(
      this.options.maxJobBytes,
      (kind, id, payload) => this.frame(link, kind, id, payload),
      (id) => this.answer(link, id, FRAME.failed, { reason: 'job too large' }),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    // A gateway that went away takes its jobs with it: nothing waiting for it is run.
    socket.on('close', () => {
      this.links.delete(link);
      for (const t of link.delayed.values()) clearTimeout(t);
      link.delayed.clear();
      link.live.clear();
      link.writer.discard();
    });
    socket.on('error', () => undefined);
  }

  private frame(link: Link, kind: number, id: number, payload: Buffer): void {
    if (kind === FRAME.cancel) {
      link.live.delete(id);
      const t = link.delayed.get(id);
      if (t) clearTimeout(t);
      link.delayed.delete(id);
      return;
    }
    if (kind !== FRAME.job) {
      this.answer(link, id, FRAME.failed, { reason: 'unknown frame' });
      return;
    }
    let job: OperationRequest;
    try {
      job = decodeJob(payload);
    } catch {
      this.answer(link, id, FRAME.failed, { reason: 'unreadable job' });
      return;
    }
    link.live.add(id);
    this.accept(link, id, job);
  }

  private accept(link: Link, id: number, job: OperationRequest): void {
    if (this.inMaintenance) {
      this.answer(link, id, FRAME.overloaded, { reason: 'maintenance' });
      return;
    }
    if (this.delay > 0) {
      const t = setTimeout(() => {
        link.delayed.delete(id);
        if (link.live.has(id)) this.enqueue(link, id, job);
      }, this.delay);
      link.delayed.set(id, t);
      return;
    }
    this.enqueue(link, id, job);
  }

  private enqueue(link: Link, id: number, job: OperationRequest): void {
    try {
      this.queue.enqueue(() => this.run(link, id, job));
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      this.answer(link, id, FRAME.overloaded, { reason: 'queue full' });
    }
  }

  private run(link: Link, id: number, job: OperationRequest): void {
    // Cancelled by the gateway, or its connection is gone: nobody waits for this job.
    if (!link.live.has(id)) return;
    let kind: FrameKind = FRAME.done;
    let text = '';
    try {
      const result = runOperation(this.store, job, this.now());
      if (result.body !== undefined) text = JSON.stringify(result.body);
    } catch (err) {
      if (err instanceof OperationError) {
        kind = FRAME.refused;
        text = JSON.stringify({ cause: err.causeId, message: err.message, ...(err.msgId ? { msg_id: err.msgId } : {}) });
      } else {
        // The failure stays inside: the gateway learns only that the job failed.
        kind = FRAME.failed;
        text = JSON.stringify({ reason: 'job failed' });
      }
    }
    this.answer(link, id, kind, text);
  }

  private answer(link: Link, id: number, kind: FrameKind, body: string | object): void {
    link.live.delete(id);
    if (link.socket.destroyed) return;
    link.writer.send(encodeFrame(kind, id, typeof body === 'string' ? body : JSON.stringify(body)));
  }
}

/** Starts a dispatcher on a socket of its own. */
export async function startDispatcher(options: Partial<DispatcherOptions> = {}, now: () => number = Date.now): Promise<DispatcherControl> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<DispatcherOptions>;
  const d = new Dispatcher({ ...DEFAULT_DISPATCHER_OPTIONS, ...given }, now);
  try {
    await d.start();
  } catch (err) {
    await d.close();
    throw err;
  }
  return d;
}
