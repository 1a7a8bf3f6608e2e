import { describe, expect, it } from 'vitest';
import { makeSchedule, ScheduleConfig } from './schedules.js';

/*
 * Peak 1e-3. Warmup w: lr(s) = peak·s/w for s < w (HF LambdaLR counts from 0, so lr(0) = 0).
 * linear, w = 2, total 10, final 0:   lr(s) = peak·(10 − s)/8       → lr(6) = 5e-4, lr(10) = lr(50) = 0
 * linear to 1e-4:                      lr(s) = peak + (1e-4 − peak)·(s − 2)/8 → lr(6) = 5.5e-4
 * cosine, w = 2, total 10, floor 1e-4: lr(s) = 1e-4 + 9e-4·½(1 + cos(π(s − 2)/8))
 *                                      → lr(4) = 1e-4 + 9e-4·½(1 + √½) = 8.682e-4, lr(6) = 5.5e-4, lr(10) = 1e-4
 */
const peak = 1e-3;
const table: { config: Parameters<typeof makeSchedule>[0]; at: [number, number][] }[] = [
  { config: { kind: 'constant' }, at: [[0, 1e-3], [1000, 1e-3]] },
  { config: { kind: 'constant', warmupSteps: 4 }, at: [[0, 0], [1, 2.5e-4], [3, 7.5e-4], [4, 1e-3], [99, 1e-3]] },
  { config: { kind: 'linear', warmupSteps: 2, totalSteps: 10 }, at: [[0, 0], [1, 5e-4], [2, 1e-3], [6, 5e-4], [10, 0], [50, 0]] },
  { config: { kind: 'linear', warmupSteps: 2, totalSteps: 10, finalLearningRate: 1e-4 }, at: [[6, 5.5e-4], [10, 1e-4], [20, 1e-4]] },
  { config: { kind: 'cosine', warmupSteps: 2, totalSteps: 10, minLearningRate: 1e-4 }, at: [[1, 5e-4], [2, 1e-3], [4, 1e-4 + 9e-4 * 0.5 * (1 + Math.SQRT1_2)], [6, 5.5e-4], [10, 1e-4], [11, 1e-4]] },
  { config: { kind: 'cosine', totalSteps: 4 }, at: [[0, 1e-3], [2, 5e-4], [4, 0]] },
];

describe('schedules', () => {
  for (const { config, at } of table) {
    it(`${JSON.stringify(config)}`, () => {
      const lr = makeSchedule(config, peak);
      for (const [step, expected] of at) expect(lr(step), `step ${step}`).toBeCloseTo(expected, 12);
    });
  }

  it('rejects bad configs with the field named', () => {
    expect(() => makeSchedule({ kind: 'linear', warmupSteps: 10, totalSteps: 10 }, peak)).toThrow(/warmupSteps must be smaller than totalSteps/);
    expect(ScheduleConfig.safeParse({ kind: 'cosine' }).success).toBe(false); // totalSteps is required
    expect(ScheduleConfig.safeParse({ kind: 'exponential' }).success).toBe(false);
    expect(ScheduleConfig.safeParse({ kind: 'constant', warmup: 3 }).success).toBe(false); // unknown key
    expect(() => makeSchedule({ kind: 'constant' }, peak)(-1)).toThrow(/step must be an integer/);
    expect(() => makeSchedule({ kind: 'constant' }, Number.NaN)).toThrow(/peak learning rate/);
  });
});
