import { QueueFullError, WorkQueue } from './queue';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('refuses a job once capacity jobs are waiting, and takes jobs again as workers drain it', async () => {
    const q = new WorkQueue(3, 1);
    q.pause();
    const ran: number[] = [];
    for (let i = 0; i < 3; i++) q.enqueue(() => ran.push(i));
    expect(() => q.enqueue(() => ran.push(99))).toThrow(QueueFullError);
    q.resume();
    for (let i = 0; i < 5; i++) await tick();
    expect(ran).toEqual([0, 1, 2]);
    q.enqueue(() => ran.push(3));
    await tick();
    await tick();
    expect(ran).toEqual([0, 1, 2, 3]);
    q.close();
  });

  it('runs nothing while paused', async () => {
    const q = new WorkQueue(10, 4);
    q.pause();
    let ran = 0;
    q.enqueue(() => ran++);
    await tick();
    expect(ran).toBe(0);
    expect(q.length).toBe(1);
    q.close();
  });
});
