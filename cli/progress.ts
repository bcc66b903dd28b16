/** Progress bar on one line of stderr, redrawn at most every 100 ms. Without a terminal, only the line given to done() is written. */
export class ProgressBar {
  private lastDraw = 0;
  private readonly enabled = process.stderr.isTTY === true;

  constructor(private readonly width = 30) {}

  update(fraction: number, label: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * this.width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}`;
    process.stderr.write(`\r[${bar}] ${String(Math.round(clamped * 100)).padStart(3)}%  ${label}\u001b[K`);
  }

  done(label: string): void {
    if (this.enabled) process.stderr.write(`\r${label}\u001b[K\n`);
    else process.stderr.write(`${label}\n`);
  }
}
