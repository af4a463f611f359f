import pc from 'picocolors';

/** What the display knows of one resource. */
interface Row {
  name: string;
  type: string;
  states: string[];
  step?: string | undefined;
  detail?: string;
  /** Steps that finished, with their outcome. */
  finished: { step: string; status: string }[];
}

const STATE_COLOR: Record<string, (s: string) => string> = {
  requested: pc.dim,
  provisioning: pc.cyan,
  updating: pc.cyan,
  terminating: pc.cyan,
  active: pc.green,
  terminated: pc.dim,
  failed: pc.red,
};
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows resources moving through their states with their current step: a
 * live, redrawn block on a terminal; one plain line per change otherwise.
 */
export class ProgressDisplay {
  readonly #rows = new Map<string, Row>();
  readonly #live: boolean;
  readonly #out: NodeJS.WriteStream;
  #drawn = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `live` defaults to: `out` is a terminal and `CI` is not set. */
  constructor(out: NodeJS.WriteStream = process.stdout, live = out.isTTY === true && !process.env.CI) {
    this.#out = out;
    this.#live = live;
    if (this.#live) this.#timer = setInterval(() => this.#draw(), 100);
  }

  /** A resource entered a state. */
  state(id: string, name: string, type: string, state: string): void {
    const row = this.#row(id, name, type);
    if (row.states.at(-1) === state) return;
    row.states.push(state);
    if (state === 'active' || state === 'terminated' || state === 'failed') row.step = undefined;
    if (!this.#live) this.#out.write(`${name} (${type}): ${row.states.join(' → ')}\n`);
  }

  /** A step of a resource's run changed. */
  step(id: string, name: string, type: string, step: string, status: string, message?: string): void {
    const row = this.#row(id, name, type);
    row.step = step;
    row.detail = message ? `${status}: ${message}` : status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') row.finished.push({ step, status });
    if (!this.#live) this.#out.write(`${name}:   step ${step} ${row.detail}\n`);
  }

  /** Stops redrawing and leaves the final block on screen. */
  finish(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#live) this.#draw(true);
  }

  #row(id: string, name: string, type: string): Row {
    let row = this.#rows.get(id);
    if (!row) {
      row = { name, type, states: [], finished: [] };
      this.#rows.set(id, row);
    }
    return row;
  }

  #draw(final = false): void {
    const lines: string[] = [];
    this.#frame = (this.#frame + 1) % SPINNER.length;
    for (const row of this.#rows.values()) {
      const current = row.states.at(-1) ?? 'requested';
      const busy = !['active', 'terminated', 'failed'].includes(current);
      const mark = busy ? pc.cyan(SPINNER[this.#frame]!) : current === 'failed' ? pc.red('✗') : pc.green('✓');
      const path = row.states.map((s) => (STATE_COLOR[s] ?? String)(s)).join(pc.dim(' → '));
      lines.push(`${mark} ${pc.bold(row.name)} ${pc.dim(`(${row.type})`)}  ${path}`);
      if (row.finished.length) {
        const mark = (s: string) => (s === 'succeeded' ? pc.green('✓') : s === 'failed' ? pc.red('✗') : pc.dim('-'));
        lines.push(`    ${row.finished.map((f) => `${mark(f.status)} ${f.step}`).join('  ')}`);
      }
      if (busy && row.step && !final) lines.push(pc.dim(`    step ${row.step}: ${row.detail ?? ''}`.slice(0, (this.#out.columns ?? 100) - 1)));
    }
    let text = this.#drawn ? `\x1b[${this.#drawn}A` : '';
    text += lines.map((l) => `\x1b[2K${l}\n`).join('');
    // Clear lines left over from a taller previous frame.
    for (let i = lines.length; i < this.#drawn; i++) text += '\x1b[2K\n';
    const extra = Math.max(0, this.#drawn - lines.length);
    if (extra) text += `\x1b[${extra}A`;
    this.#drawn = lines.length;
    this.#out.write(text);
  }
}
