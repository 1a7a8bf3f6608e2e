/** DPO (Rafailov et al., arXiv 2305.18290) on the noisy preference pairs, β = 0.1. */
import { baseRun } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/** DPO: the `dpo` pipeline on `ctx.files.pairs`, `pairsPerUpdate` pairs per update. */
export const dpoMethod: DemoMethod = {
  name: 'dpo',
  label: 'DPO',
  description: 'offline pairs labelled by the noisy gold judge; sigmoid loss, β 0.1, reference = SFT',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'dpo'),
    pipeline: { name: 'dpo', beta: 0.1 },
    data: { path: ctx.files.pairs },
    batchRows: ctx.budget.pairsPerUpdate,
  }),
};
