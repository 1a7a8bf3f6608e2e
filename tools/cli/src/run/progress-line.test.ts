import { describe, expect, it } from 'vitest';
import { progressLine, progressWriter } from './progress-line.js';

const progress = (step: number) => ({ step, maxSteps: 10, stepsThisRun: step, elapsedSeconds: step * 6, metrics: { loss: 0.69314, 'rewards/margins': 0.0123, tokens_per_second: 3512.4 } });

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WriteStream, chunks };
}

describe('progress line', () => {
  it('shows step, loss, margin, tok/s and an eta from the pace so far', () => {
    // 6 s per step, 8 steps left → 48 s
    expect(progressLine(progress(2))).toBe('step 2/10 loss 0.6931 margin 0.0123 tok/s 3512 eta 48s');
  });

  it('prints plain lines when not a TTY and rewrites one line on a TTY', () => {
    const plain = fakeStream(false);
    const w = progressWriter(plain.stream);
    w.step(progress(1));
    w.step(progress(2));
    w.end();
    expect(plain.chunks.join('')).toBe('step 1/10 loss 0.6931 margin 0.0123 tok/s 3512 eta 54s\nstep 2/10 loss 0.6931 margin 0.0123 tok/s 3512 eta 48s\n');
    const tty = fakeStream(true);
    const t = progressWriter(tty.stream);
    t.step(progress(1));
    t.end();
    expect(tty.chunks).toEqual(['\r\x1b[2Kstep 1/10 loss 0.6931 margin 0.0123 tok/s 3512 eta 54s', '\n']);
  });
});
