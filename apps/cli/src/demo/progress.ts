import type { WriteStream } from 'node:tty';

type StepState = 'running' | 'done' | 'failed';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A step list: a spinner on the running step when the output is a terminal, plain lines otherwise. */
export class Progress {
  private readonly tty: boolean;
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;
  private current: { title: string; started: number } | null = null;
  private index = 0;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly total: number,
  ) {
    this.tty = Boolean((out as WriteStream).isTTY);
  }

  async step<T>(title: string, work: () => Promise<T>, detail?: (result: T) => string): Promise<T> {
    this.index++;
    this.current = { title, started: Date.now() };
    if (this.tty) {
      this.timer = setInterval(() => this.render('running'), 80);
      this.render('running');
    } else {
      this.out.write(`[${this.index}/${this.total}] ${title} …\n`);
    }
    try {
      const result = await work();
      this.finish('done', detail ? detail(result) : undefined);
      return result;
    } catch (error) {
      this.finish('failed', (error as Error).message);
      throw error;
    }
  }

  note(text: string): void {
    this.out.write(`      ${text.split('\n').join('\n      ')}\n`);
  }

  private finish(state: StepState, detail?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.render(state);
    if (!this.tty || state !== 'running') this.out.write('\n');
    if (detail) this.note(detail);
    this.current = null;
  }

  private render(state: StepState): void {
    if (!this.current) return;
    const seconds = ((Date.now() - this.current.started) / 1000).toFixed(1);
    const mark = state === 'done' ? '\u001b[32m✔\u001b[0m' : state === 'failed' ? '\u001b[31m✘\u001b[0m' : SPINNER[this.frame++ % SPINNER.length];
    const line = `${mark} [${this.index}/${this.total}] ${this.current.title} (${seconds}s)`;
    if (this.tty) this.out.write(`\r\u001b[2K${line}`);
    else if (state !== 'running') this.out.write(`${state === 'done' ? '✔' : '✘'} [${this.index}/${this.total}] ${this.current.title} (${seconds}s)`);
  }
}
