/**
 * The training progress bar on stderr (cli-progress): iteration, work units against the budget,
 * loss, validation metric, elapsed and remaining time. Silent with --quiet or when stderr is not a
 * terminal (so logs and pipes stay clean).
 */
import cliProgress from "cli-progress";

export interface ProgressUpdate {
  level: number;
  levels: number;
  iteration: number;
  workUnits: number;
  loss: number;
  /** validation metric (relative error or accuracy), or null */
  valMetric: number | null;
}

export interface Progress {
  start(total: number, label: string): void;
  update(u: ProgressUpdate): void;
  stop(): void;
}

const fmtNum = (v: number | null, digits = 3): string =>
  v === null || !Number.isFinite(v)
    ? "—"
    : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4
      ? v.toFixed(digits + 1)
      : v.toExponential(digits);

class Bar implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  constructor(private readonly metricName: string) {}

  start(total: number, label: string): void {
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} {bar} {percentage}% | lvl {level} | it {iter} | WU {wu}/{total} | loss {loss} | val ${this.metricName} {val} | {duration_formatted} < {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { level: "1", iter: 0, wu: "0", loss: "—", val: "—" });
  }

  update(u: ProgressUpdate): void {
    if (this.bar === null) return;
    this.bar.update(Math.min(u.workUnits, this.bar.getTotal()), {
      level: `${u.level}/${u.levels}`,
      iter: u.iteration,
      wu: u.workUnits.toFixed(1),
      loss: fmtNum(u.loss),
      val: fmtNum(u.valMetric),
    });
  }

  stop(): void {
    if (this.bar !== null) {
      this.bar.stop();
      this.bar = null;
    }
  }
}

const silent: Progress = { start() {}, update() {}, stop() {} };

/** A progress bar on stderr, or a silent one with `quiet` or when stderr is not a TTY. */
export function makeProgress(quiet: boolean, metricName: string): Progress {
  if (quiet || !process.stderr.isTTY) return silent;
  return new Bar(metricName);
}
