// A one-line progress bar on stderr (the report goes to stdout, so `npm run demo > report.txt`
// stays clean): counts, elapsed time and a label, redrawn in place with `\r` on a terminal, a
// line every few seconds otherwise (CI logs, pipes).
const WIDTH = 30;

export class ProgressBar {
  private readonly started = Date.now();
  private lastLine = 0;

  constructor(
    private readonly title: string,
    private readonly total: number,
  ) {}

  update(done: number, label = ''): void {
    const elapsed = ((Date.now() - this.started) / 1_000).toFixed(0);
    const filled = this.total === 0 ? WIDTH : Math.min(WIDTH, Math.round((done / this.total) * WIDTH));
    const line = `${this.title.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${this.total} ${elapsed}s ${label}`.slice(0, 99);
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line.padEnd(99)}`);
    } else if (Date.now() - this.lastLine > 5_000 || done === this.total) {
      this.lastLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  }

  done(label = ''): void {
    this.update(this.total, label);
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}

export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
