/**
 * Progress of a verification on stderr (never stdout, where reports and summaries go). On a terminal:
 * one live line, redrawn at most every 100 ms. Otherwise (CI logs): a line at every further 10 % of the
 * interactions, or after 10 s without one, so a long run is never silent and a log never floods.
 */
import type { Progress } from '../verifier/verify';

export interface ProgressOptions {
  readonly write: (text: string) => void;
  readonly tty: boolean;
  /** Injected clock (ms), for tests. */
  readonly now?: () => number;
}

export interface ProgressDisplay {
  update(p: Progress): void;
  /** Ends the live line (TTY) so what follows starts on a fresh line. */
  end(): void;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** "120/431 interactions (27%), 3 failed, 41.2/s, ETA 8s" */
export function progressLine(p: Progress): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const count = p.total !== undefined ? `${p.done}/${p.total} interactions (${Math.floor((p.done * 100) / Math.max(p.total, 1))}%)` : `${p.done} interactions`;
  const eta = p.total !== undefined && rate > 0 && p.done < p.total ? `, ETA ${seconds(((p.total - p.done) / rate) * 1000)}` : '';
  return `verifying: ${count}, ${p.failed} failed, ${rate.toFixed(1)}/s${eta}`;
}

export function progressDisplay(o: ProgressOptions): ProgressDisplay {
  const now = o.now ?? Date.now;
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let drawn = false;
  let latest: Progress | undefined;
  return {
    update(p) {
      latest = p;
      const t = now();
      if (o.tty) {
        const finished = p.total !== undefined && p.done >= p.total;
        if (t - lastDraw < 100 && !finished) return;
        lastDraw = t;
        drawn = true;
        o.write(`\r${progressLine(p)}\u001b[K`);
        return;
      }
      const decile = p.total !== undefined && p.total > 0 ? Math.floor((p.done * 10) / p.total) : -1;
      if (decile > lastDecile || t - lastDraw >= 10_000) {
        lastDecile = Math.max(lastDecile, decile);
        lastDraw = t;
        o.write(`${progressLine(p)}\n`);
      }
    },
    end() {
      if (o.tty && drawn && latest) o.write(`\r${progressLine(latest)}\u001b[K\n`);
    },
  };
}
