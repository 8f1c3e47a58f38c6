import { setTimeout as sleepPromise } from 'node:timers/promises';
import { gaveUpAt, recordTimers, waitsBeforeRetries, type ClientTimer } from './client-waits';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('recordTimers', () => {
  it("gives each call only the timers armed in its own async context, with calls interleaved, timers/promises' included", async () => {
    const a: ClientTimer[] = [];
    const b: ClientTimer[] = [];
    const ra = recordTimers(a);
    const rb = recordTimers(b);
    const outside = sleep(7); // armed by neither call
    await Promise.all([
      ra.run(async () => {
        await sleep(11);
        await sleepPromise(13);
      }),
      rb.run(async () => {
        await Promise.resolve();
        await sleep(17);
      }),
    ]);
    ra.stop();
    rb.stop();
    await outside;
    expect({ a: a.map((t) => t.ms), b: b.map((t) => t.ms) }).toEqual({ a: [11, 13], b: [17] });
    expect([...a, ...b].every((t) => t.firedAt !== undefined && t.firedAt >= t.armedAt)).toBe(true);
  });

  it('stops recording when stopped, so a call that never settles records nothing more', async () => {
    const timers: ClientTimer[] = [];
    const recording = recordTimers(timers);
    let later: (() => void) | undefined;
    const pending = recording.run(async () => {
      await sleep(2);
      await new Promise<void>((resolve) => (later = resolve)); // judged a hang here
      await sleep(19);
    });
    while (later === undefined) await sleep(1);
    recording.stop();
    later();
    await pending;
    expect(timers.map((t) => t.ms)).toEqual([2]);
  });
});

describe('recordTimers: re-armed timers', () => {
  it('marks a timer armed again with the same callback from its own run as a re-arm, and a different callback armed there as not', async () => {
    const timers: ClientTimer[] = [];
    const recording = recordTimers(timers);
    await recording.run(
      () =>
        new Promise<void>((resolve) => {
          let pieces = 0;
          const piece = (): void => {
            if (++pieces < 3) setTimeout(piece, 2); // patientTimeout's way: the same callback, a new timer
            else setTimeout(resolve, 3); // what the give-up starts: another callback
          };
          setTimeout(piece, 2);
        }),
    );
    recording.stop();
    expect(timers.map((t) => [t.ms, t.rearmOf])).toEqual([[2, undefined], [2, 0], [2, 1], [3, undefined]]);
  });
});

describe('gaveUpAt', () => {
  const t = (armedAt: number, ms: number, firedAt?: number, rearmOf?: number): ClientTimer => ({ armedAt, ms, firedAt, ...(rearmOf === undefined ? {} : { rearmOf }) });

  it("is the firing of the give-up timer, also one armed after the server saw the request (a worker client arming it on the request's 'finish')", () => {
    // Arrived at 100 (the serving thread's clock), give-up armed at 101 and fired at 401, retry at 402.
    const atOnce = [t(101, 300, 401)];
    expect(gaveUpAt(atOnce, 100, 402)).toBe(401);
    expect(waitsBeforeRetries(atOnce, [gaveUpAt(atOnce, 100, 402), 0], [100, 402])).toEqual([0]);
    const backingOff = [t(101, 300, 401), t(402, 25, 427)];
    expect(waitsBeforeRetries(backingOff, [gaveUpAt(backingOff, 100, 428), 0], [100, 428])).toEqual([25]);
  });

  it("follows a give-up timer's re-arms (patientTimeout) to the last, and is the arrival when no timer fired", () => {
    const patient = [t(90, 300, 392), t(392, 40, 433, 0), t(433, 1, 435), t(435, 30, 466)];
    expect(gaveUpAt(patient, 100, 470)).toBe(433);
    expect(waitsBeforeRetries(patient, [gaveUpAt(patient, 100, 470), 0], [100, 470])).toEqual([31]);
    expect(gaveUpAt([t(90, 300, 500)], 100, 120)).toBe(100);
  });
});

describe('waitsBeforeRetries', () => {
  const t = (armedAt: number, ms: number, firedAt?: number): ClientTimer => ({ armedAt, ms, firedAt });

  it("counts the requested length of the timers armed after the failure and fired before the retry, never how late they fired", () => {
    // Failure ended at 100, retry arrived at 200: a 1 ms timer that fired 40 ms late is 1 ms of waiting.
    expect(waitsBeforeRetries([t(101, 1, 141)], [100, 250], [50, 200])).toEqual([1]);
    // Armed before the failure (the request's own timeout), or fired after the retry arrived: not a wait before it.
    expect(waitsBeforeRetries([t(60, 80, 150), t(120, 500, 620)], [100, 250], [50, 200])).toEqual([0]);
    expect(waitsBeforeRetries([t(110, 30, 140)], [100, 250], [50, 200])).toEqual([30]);
  });

  it('adds timers in sequence and counts timers that ran at once by their union', () => {
    const chain = [t(100, 4, 106), t(106, 4, 111), t(111, 4, 115), t(115, 4, 120)]; // one armed as the one before fired
    expect(waitsBeforeRetries(chain, [100, 0], [0, 130])).toEqual([16]);
    const race = [t(100, 25, 126), t(101, 10, 112), t(105, 40, 146)]; // three at once: 100..145
    expect(waitsBeforeRetries(race, [100, 0], [0, 150])).toEqual([45]);
  });

  it('gives one wait per retry, each from its own failure', () => {
    expect(waitsBeforeRetries([t(10, 25, 36), t(60, 50, 111)], [5, 55, 200], [0, 40, 120])).toEqual([25, 50]);
  });
});
