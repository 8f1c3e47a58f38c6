import { blockThread } from './block-thread';

describe('blockThread', () => {
  it('holds the event loop for at least its time, asleep: a timer due meanwhile fires after, and the thread spends almost no CPU', async () => {
    const order: string[] = [];
    const fired = new Promise<void>((resolve) => setTimeout(() => (order.push('timer'), resolve()), 0));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    blockThread(200);
    const cpu = process.cpuUsage(cpu0);
    const elapsed = performance.now() - t0;
    order.push('unblocked');
    await fired;
    expect({ order, atLeast200: elapsed >= 200, cpuUnder50ms: (cpu.user + cpu.system) / 1000 < 50 }).toEqual({ order: ['unblocked', 'timer'], atLeast200: true, cpuUnder50ms: true });
  });
});
