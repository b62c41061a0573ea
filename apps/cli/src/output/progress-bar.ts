/**
 * A byte progress bar on stderr, so stdout stays clean for JSON. On a terminal it redraws
 * in place a few times a second; otherwise it prints a line at each tenth, for CI logs.
 */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private lastTenth = -1;
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  advance(bytes: number): void {
    this.done += bytes;
    if (!this.enabled) return;
    const now = Date.now();
    if (this.tty) {
      if (now - this.lastDraw < 150) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.render(now)}`);
      return;
    }
    const tenth = this.total > 0 ? Math.floor((this.done / this.total) * 10) : 0;
    if (tenth > this.lastTenth && tenth < 10) {
      this.lastTenth = tenth;
      this.stream.write(`${this.render(now)}\n`);
    }
  }

  finish(): void {
    if (!this.enabled) return;
    const line = this.render(Date.now(), true);
    this.stream.write(this.tty ? `\r${line}\n` : `${line}\n`);
  }

  private render(now: number, finished = false): string {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : finished ? 1 : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.done / seconds / 1024 ** 2;
    return `${this.label} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${mib(this.done)}/${mib(this.total)} MiB ${rate.toFixed(1)} MiB/s`;
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}
