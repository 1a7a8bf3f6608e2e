/**
 * One progress line per update: `step 12/100 loss 0.6931 margin 0.0123 tok/s 3512 eta 1m04s`.
 * Plain lines when stdout is not a TTY; one updating line (carriage return) on a TTY.
 */
import type { StepProgress } from '@prefstream/trainer';

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

const fixed = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

/** The text of one progress line. */
export function progressLine(p: StepProgress): string {
  const m = p.metrics;
  const parts = [`step ${p.step}${p.maxSteps ? `/${p.maxSteps}` : ''}`, `loss ${fixed(m.loss, 4)}`];
  if (m['rewards/margins'] !== undefined) parts.push(`margin ${fixed(m['rewards/margins'], 4)}`);
  parts.push(`tok/s ${fixed(m.tokens_per_second, 0)}`);
  if (p.maxSteps && p.stepsThisRun > 0) {
    const perStep = p.elapsedSeconds / p.stepsThisRun;
    parts.push(`eta ${duration(perStep * (p.maxSteps - p.step))}`);
  }
  return parts.join(' ');
}

/** Writes progress to `out`: plain lines, or a line rewritten in place on a TTY. */
export function progressWriter(out: NodeJS.WriteStream): { step(p: StepProgress): void; end(): void } {
  let drawn = false;
  return {
    step(p) {
      if (out.isTTY) {
        out.write(`\r\x1b[2K${progressLine(p)}`);
        drawn = true;
      } else out.write(`${progressLine(p)}\n`);
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}
