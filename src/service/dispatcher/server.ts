import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OperationError, runOperation, type OperationRequest } from './operations';
import { QueueFullError, WorkQueue } from './queue';
import { DispatcherStore } from './store';

export interface DispatcherOptions {
  /** Jobs that may wait for a worker; one more is refused with 503. */
  readonly queueCapacity: number;
  readonly workers: number;
  readonly host: string;
  /** Largest job the dispatcher reads; the gateway's own body limit is far below it. */
  readonly maxJobBytes: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  queueCapacity: 1024,
  workers: 16,
  host: '127.0.0.1',
  maxJobBytes: 4 * 1024 * 1024,
};

/**
 * The dispatcher's wire protocol, spoken only with the gateway: POST /jobs with an OperationRequest.
 * 200 {body?} done; 422 {cause, message, msg_id?} refused for a business reason; 503 {reason} overloaded;
 * 500 failed. The gateway owns every public status; these are only its inputs.
 */
export const JOBS_PATH = '/jobs';
export const DISPATCHER_STATUS = { done: 200, refused: 422, failed: 500, overloaded: 503 } as const;

/** What tests and provider states can do to the dispatcher: each is a real condition, not an answer switch. */
export interface DispatcherControl {
  readonly url: string;
  readonly port: number;
  readonly running: boolean;
  readonly store: DispatcherStore;
  readonly queue: WorkQueue;
  /** Stops listening and drops every connection: the port refuses, as when the process is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
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

class Dispatcher implements DispatcherControl {
  readonly store = new DispatcherStore();
  readonly queue: WorkQueue;
  private server: http.Server;
  private listening = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private delay = 0;
  private inMaintenance = false;
  port = 0;

  constructor(private readonly options: DispatcherOptions, private readonly now: () => number) {
    this.queue = new WorkQueue(options.queueCapacity, options.workers);
    this.server = this.createServer();
  }

  get url(): string {
    return `http://${this.options.host}:${this.port}`;
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

  private createServer(): http.Server {
    const server = http.createServer((req, res) => this.handle(req, res));
    // Longer than any idle gap of the gateway's keep-alive agent, so the dispatcher never closes a socket the gateway is about to reuse.
    server.keepAliveTimeout = 65_000;
    return server;
  }

  async start(): Promise<void> {
    if (this.listening) return;
    // A closed server cannot listen again; a restarted process gets a fresh one.
    if (!this.server.listening && this.port !== 0) this.server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // Jobs still waiting die with the process; none of them was answered.
    this.queue.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
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
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'POST' || req.url !== JOBS_PATH) {
      send(res, 404, { reason: 'no such dispatcher path' });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.options.maxJobBytes) {
        send(res, DISPATCHER_STATUS.failed, { reason: 'job too large' });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      let job: OperationRequest;
      try {
        job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OperationRequest;
      } catch {
        send(res, DISPATCHER_STATUS.failed, { reason: 'unreadable job' });
        return;
      }
      this.accept(job, res);
    });
  }

  private accept(job: OperationRequest, res: http.ServerResponse): void {
    if (this.inMaintenance) {
      send(res, DISPATCHER_STATUS.overloaded, { reason: 'maintenance' });
      return;
    }
    if (this.delay > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) this.enqueue(job, res);
      }, this.delay);
      this.timers.add(t);
      // A gateway that gave up has closed the connection; the job is dropped with it.
      res.on('close', () => {
        clearTimeout(t);
        this.timers.delete(t);
      });
      return;
    }
    this.enqueue(job, res);
  }

  private enqueue(job: OperationRequest, res: http.ServerResponse): void {
    try {
      this.queue.enqueue(() => this.run(job, res));
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      send(res, DISPATCHER_STATUS.overloaded, { reason: 'queue full' });
    }
  }

  private run(job: OperationRequest, res: http.ServerResponse): void {
    if (res.destroyed) return;
    try {
      const result = runOperation(this.store, job, this.now());
      send(res, DISPATCHER_STATUS.done, result.body === undefined ? {} : { body: result.body });
    } catch (err) {
      if (err instanceof OperationError) {
        send(res, DISPATCHER_STATUS.refused, { cause: err.causeId, message: err.message, ...(err.msgId ? { msg_id: err.msgId } : {}) });
      } else {
        // The failure stays inside: the gateway learns only that the job failed.
        send(res, DISPATCHER_STATUS.failed, { reason: 'job failed' });
      }
    }
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts a dispatcher on a free loopback port. */
export async function startDispatcher(options: Partial<DispatcherOptions> = {}, now: () => number = Date.now): Promise<DispatcherControl> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<DispatcherOptions>;
  const d = new Dispatcher({ ...DEFAULT_DISPATCHER_OPTIONS, ...given }, now);
  await d.start();
  return d;
}
