import type { Socket } from 'node:net';
import type { OperationRequest } from './operations';

/**
 * The dispatcher's wire protocol, spoken only between the gateway and the dispatcher over one persistent
 * TCP connection: length-prefixed frames, each carrying a job id so that many jobs share the connection
 * and answers may come back in any order.
 *
 *   uint32 BE  length of what follows (kind, id, payload)
 *   uint8      kind
 *   uint32 BE  job id
 *   bytes      payload, UTF-8
 *
 * An HTTP round-trip per job cost the service three reads and three writes per push against one each for
 * a bare server (docs/benchmarks.md); frames of all the jobs of one event-loop turn go out in one write.
 */
export const FRAME = {
  /** gateway → dispatcher: a job; payload `[api, endpoint, appKey, params, query, body?]` as JSON (encodeJob). */
  job: 1,
  /** gateway → dispatcher: the gateway gave up on the job (its deadline passed); a job not yet run is dropped. */
  cancel: 2,
  /** dispatcher → gateway: done; payload the success body's JSON, empty for an empty 200. */
  done: 10,
  /** dispatcher → gateway: refused for a business reason; payload `{cause, message, msg_id?}`. */
  refused: 11,
  /** dispatcher → gateway: the job threw or could not be read; payload `{reason}`, which stays inside. */
  failed: 12,
  /** dispatcher → gateway: queue full or maintenance; payload `{reason}`. */
  overloaded: 13,
} as const;

export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

const HEADER_BYTES = 9;
const EMPTY = Buffer.alloc(0);

/** One frame as bytes. */
export function encodeFrame(kind: FrameKind, id: number, payload = ''): Buffer {
  const size = Buffer.byteLength(payload);
  const buf = Buffer.allocUnsafe(HEADER_BYTES + size);
  buf.writeUInt32BE(5 + size, 0);
  buf[4] = kind;
  buf.writeUInt32BE(id, 5);
  if (size > 0) buf.write(payload, HEADER_BYTES, 'utf8');
  return buf;
}

/**
 * Splits a byte stream into frames. A frame that declares more than `maxPayloadBytes` is reported to
 * `onOversize` and its bytes skipped as they arrive, without being held. `push` throws on a stream
 * that is not this protocol; the caller drops the connection.
 */
export class FrameReader {
  private pending: Buffer = EMPTY;
  private skipping = 0;

  constructor(
    private readonly maxPayloadBytes: number,
    private readonly onFrame: (kind: number, id: number, payload: Buffer) => void,
    private readonly onOversize: (id: number) => void = () => undefined,
  ) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, buf.length);
      this.skipping -= n;
      buf = buf.subarray(n);
    }
    if (this.pending.length > 0) buf = Buffer.concat([this.pending, buf]);
    let at = 0;
    while (buf.length - at >= HEADER_BYTES) {
      const length = buf.readUInt32BE(at);
      const kind = buf[at + 4];
      const id = buf.readUInt32BE(at + 5);
      const payloadBytes = length - 5;
      // Shorter than its own header: the stream is not this protocol, and nothing after it can be trusted.
      if (payloadBytes < 0) throw new Error(`corrupt frame: length ${length}`);
      if (payloadBytes > this.maxPayloadBytes) {
        this.onOversize(id);
        const skipped = Math.min(buf.length - at - HEADER_BYTES, payloadBytes);
        this.skipping = payloadBytes - skipped;
        at += HEADER_BYTES + skipped;
        continue;
      }
      if (buf.length - at - HEADER_BYTES < payloadBytes) break;
      this.onFrame(kind, id, buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + payloadBytes));
      at += HEADER_BYTES + payloadBytes;
    }
    // Kept as a copy: the frames handed out above are views of `buf` and must not see it reused.
    this.pending = at === buf.length ? EMPTY : Buffer.from(buf.subarray(at));
  }
}

/**
 * When a FrameWriter writes what was queued: `turn`, once per event-loop turn (setImmediate runs after the
 * turn's I/O callbacks, so every job the gateway read from its clients in the turn is in one write);
 * `callback`, when the callback that queued it returns (a queue drain answers all its jobs in one callback,
 * and one read of the gateway's connection all the jobs it carried). An answer queued in the dispatcher's
 * drain, itself a setImmediate callback, waited a whole further turn of the event loop with `turn`.
 */
export type FrameBatch = 'turn' | 'callback';

/** Queues frames for a socket and writes everything queued in one batch (FrameBatch) with a single write. */
export class FrameWriter {
  private queued: Buffer[] = [];
  private bytes = 0;
  private scheduled = false;
  private immediate: NodeJS.Immediate | undefined;

  constructor(private readonly socket: Socket, private readonly batch: FrameBatch = 'turn') {}

  send(frame: Buffer): void {
    this.queued.push(frame);
    this.bytes += frame.length;
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.batch === 'turn') this.immediate = setImmediate(this.flush);
    else queueMicrotask(this.flush);
  }

  /** Drops what is queued (the socket is gone). */
  discard(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.scheduled = false;
    this.queued = [];
    this.bytes = 0;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.immediate = undefined;
    const frames = this.queued;
    const bytes = this.bytes;
    this.queued = [];
    this.bytes = 0;
    if (frames.length === 0 || this.socket.destroyed) return;
    this.socket.write(frames.length === 1 ? frames[0] : Buffer.concat(frames, bytes));
  };
}

/**
 * A job frame's payload: the JSON array `[api, endpoint, appKey, params, query, body]`, without its last
 * element when there is no body. The body is spliced in as the JSON text it is given, so a body the
 * gateway already holds as the client's JSON is not serialised again, and the dispatcher reads the
 * whole job with one JSON.parse.
 */
export function encodeJob(job: Omit<OperationRequest, 'body'>, bodyJson: string | undefined): string {
  const head = JSON.stringify([job.api, job.endpoint, job.appKey, job.params, job.query]);
  // A group push's apps follow the body (null when there is none) as a seventh element.
  if (job.members) return `${head.slice(0, -1)},${bodyJson ?? 'null'},${JSON.stringify(job.members)}]`;
  return bodyJson === undefined ? head : `${head.slice(0, -1)},${bodyJson}]`;
}

export function decodeJob(payload: Buffer): OperationRequest {
  const job: unknown = JSON.parse(payload.toString('utf8'));
  if (!Array.isArray(job) || job.length < 5 || job.length > 7) throw new Error('not a job');
  if (job.length === 7) {
    if (!Array.isArray(job[6])) throw new Error('not a job');
    return { api: job[0], endpoint: job[1], appKey: job[2], params: job[3], query: job[4], body: job[5] === null ? undefined : job[5], members: job[6] };
  }
  return { api: job[0], endpoint: job[1], appKey: job[2], params: job[3], query: job[4], body: job[5] };
}
