import { progressDisplay, progressLine } from './progress';

function display(tty: boolean): { lines: string[]; clock: { t: number }; d: ReturnType<typeof progressDisplay> } {
  const lines: string[] = [];
  const clock = { t: 0 };
  return { lines, clock, d: progressDisplay({ tty, write: (t) => lines.push(t), now: () => clock.t }) };
}

describe('progress', () => {
  it('says done/total, failures, rate and ETA', () => {
    expect(progressLine({ done: 100, total: 400, failed: 3, elapsedMs: 10_000 })).toBe('verifying: 100/400 interactions (25%), 3 failed, 10.0/s, ETA 30s');
    expect(progressLine({ done: 12, failed: 0, elapsedMs: 2000 })).toBe('verifying: 12 interactions, 0 failed, 6.0/s');
  });

  it('without a terminal, writes a line at every further 10 % and after 10 s without one, never more', () => {
    const { lines, clock, d } = display(false);
    for (let done = 0; done <= 1000; done += 1) {
      clock.t = done; // 1 ms per interaction: only the 10 % steps print
      d.update({ done, total: 1000, failed: 0, elapsedMs: clock.t });
    }
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(lines[10]).toMatch(/^verifying: 1000\/1000 interactions \(100%\)/);
    const slow = display(false);
    slow.d.update({ done: 0, total: 1000, failed: 0, elapsedMs: 0 });
    slow.clock.t = 9_999;
    slow.d.update({ done: 1, total: 1000, failed: 0, elapsedMs: 9_999 });
    slow.clock.t = 10_000;
    slow.d.update({ done: 2, total: 1000, failed: 0, elapsedMs: 10_000 });
    expect(slow.lines).toHaveLength(2);
    slow.d.end();
    expect(slow.lines).toHaveLength(2);
  });

  it('on a terminal, redraws one line at most every 100 ms, always the last state, and ends it with a newline', () => {
    const { lines, clock, d } = display(true);
    for (let done = 0; done <= 50; done += 1) {
      clock.t = done * 10;
      d.update({ done, total: 50, failed: 1, elapsedMs: clock.t });
    }
    expect(lines.length).toBeLessThanOrEqual(7);
    expect(lines.every((l) => l.startsWith('\r') && !l.includes('\n'))).toBe(true);
    expect(lines[lines.length - 1]).toContain('50/50 interactions (100%), 1 failed');
    d.end();
    expect(lines[lines.length - 1]).toMatch(/^\rverifying: 50\/50 .*\n$/);
  });
});
