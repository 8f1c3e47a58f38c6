import type { Socket } from 'node:net';
import { decodeJob, encodeFrame, encodeJob, FRAME, FrameReader, FrameWriter, type FrameBatch } from './wire';

type Seen = [kind: number, id: number, payload: string];

function reader(max = 1024): { r: FrameReader; seen: Seen[]; oversize: number[] } {
  const seen: Seen[] = [];
  const oversize: number[] = [];
  const r = new FrameReader(max, (kind, id, payload) => seen.push([kind, id, payload.toString('utf8')]), (id) => oversize.push(id));
  return { r, seen, oversize };
}

describe('FrameReader', () => {
  const frames = [encodeFrame(FRAME.job, 1, '["a"]\n{"é":1}'), encodeFrame(FRAME.cancel, 2), encodeFrame(FRAME.done, 0xffffffff, 'x'.repeat(300))];
  const stream = Buffer.concat(frames);
  const expected: Seen[] = [[FRAME.job, 1, '["a"]\n{"é":1}'], [FRAME.cancel, 2, ''], [FRAME.done, 0xffffffff, 'x'.repeat(300)]];

  it('gives the same frames however the stream is cut into chunks', () => {
    for (let cut = 1; cut <= stream.length; cut++) {
      const { r, seen } = reader();
      for (let at = 0; at < stream.length; at += cut) r.push(stream.subarray(at, at + cut));
      expect(seen).toEqual(expected);
    }
  });

  it('reports a frame over its limit by id and skips its bytes, even across chunks, then reads on', () => {
    const big = encodeFrame(FRAME.job, 7, 'y'.repeat(5000));
    const after = encodeFrame(FRAME.job, 8, 'ok');
    const all = Buffer.concat([big, after]);
    const { r, seen, oversize } = reader(1024);
    for (let at = 0; at < all.length; at += 700) r.push(all.subarray(at, at + 700));
    expect(oversize).toEqual([7]);
    expect(seen).toEqual([[FRAME.job, 8, 'ok']]);
  });

  it('throws on a stream that is not the protocol (a frame shorter than its own header)', () => {
    const { r } = reader();
    const bad = Buffer.alloc(9);
    bad.writeUInt32BE(2, 0);
    expect(() => r.push(bad)).toThrow(/corrupt frame/);
  });
});

describe('job frames', () => {
  const job = { api: 'jpush-v3' as const, endpoint: 'push', appKey: 'k', params: { id: 'a\nb' }, query: { q: '1' } };

  it('carry the body as the JSON text given, newlines included, and read back to the same job', () => {
    const body = '{\n  "audience": "all",\n  "note": "line\\nbreak"\n}';
    expect(decodeJob(Buffer.from(encodeJob(job, body)))).toEqual({ ...job, body: JSON.parse(body) });
  });

  it('carry no body as undefined', () => {
    expect(decodeJob(Buffer.from(encodeJob(job, undefined)))).toEqual({ ...job, body: undefined });
  });

  it('refuse a payload that is not a job', () => {
    expect(() => decodeJob(Buffer.from('{"api":"x"}'))).toThrow();
    expect(() => decodeJob(Buffer.from('[1,2]'))).toThrow();
    expect(() => decodeJob(Buffer.from('["a","b","c",{},{},{},7]'))).toThrow();
  });
});

describe('FrameWriter', () => {
  /** A writer on a stand-in socket that records each write as the frames' ids it carried. */
  function writer(batch: FrameBatch): { w: FrameWriter; writes: number[][] } {
    const writes: number[][] = [];
    const socket = {
      destroyed: false,
      write(buf: Buffer) {
        const ids: number[] = [];
        for (let at = 0; at < buf.length; at += 4 + buf.readUInt32BE(at)) ids.push(buf.readUInt32BE(at + 5));
        writes.push(ids);
        return true;
      },
    };
    return { w: new FrameWriter(socket as unknown as Socket, batch), writes };
  }
  const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it("'turn' writes the frames of every callback of an event-loop turn in one write, after the turn's callbacks", async () => {
    const { w, writes } = writer('turn');
    const inTurn = await new Promise<number[][]>((resolve) => {
      // Two callbacks of the same turn, as two client requests read in one poll.
      setImmediate(() => w.send(encodeFrame(FRAME.job, 1, 'a')));
      setImmediate(() => {
        w.send(encodeFrame(FRAME.job, 2, 'b'));
        queueMicrotask(() => resolve([...writes]));
      });
    });
    expect(inTurn).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([[1, 2]]);
  });

  it("'callback' writes a callback's frames in one write as soon as the callback returns, not a turn later", async () => {
    const { w, writes } = writer('callback');
    const [during, nextCallback] = await new Promise<number[][][]>((resolve) => {
      let seen: number[][] = [];
      setImmediate(() => {
        // A queue drain answering the jobs it ran.
        w.send(encodeFrame(FRAME.done, 1, '{}'));
        w.send(encodeFrame(FRAME.done, 2, '{}'));
        seen = [...writes];
      });
      // The next callback of the same turn.
      setImmediate(() => resolve([seen, [...writes]]));
    });
    expect(during).toEqual([]);
    expect(nextCallback).toEqual([[1, 2]]);
  });

  it('writes nothing that was queued before discard()', async () => {
    for (const batch of ['turn', 'callback'] as const) {
      const { w, writes } = writer(batch);
      w.send(encodeFrame(FRAME.job, 1, 'a'));
      w.discard();
      await nextTurn();
      await nextTurn();
      expect(writes).toEqual([]);
      w.send(encodeFrame(FRAME.job, 2, 'b'));
      await nextTurn();
      await nextTurn();
      expect(writes).toEqual([[2]]);
    }
  });
});
