// Progress of long runs on stderr: only on a terminal, only after about 2 seconds, one line
// rewritten in place, cleared before anything else is printed. Never on a pipe.

import type { Writable } from 'node:stream';

export class Progress {
  private shown = false;
  private lastDraw = 0;
  private readonly started = Date.now();
  /** Whether progress is drawn (a terminal): then nothing else may hold its output back. */
  readonly enabled: boolean;

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly verb: string,
    private readonly total: number,
    env: Record<string, string | undefined>,
    private readonly delayMs = 2000,
  ) {
    this.enabled = !!out.isTTY && env.TERM !== 'dumb' && env.CI === undefined;
  }

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    this.out.write(`\r\x1b[K${this.verb}: ${done}/${this.total} (${Math.round((100 * done) / Math.max(1, this.total))}%)`);
  }

  /** Removes the line (call before printing anything else, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.out.write('\r\x1b[K');
    this.shown = false;
    this.lastDraw = 0;
  }
}
