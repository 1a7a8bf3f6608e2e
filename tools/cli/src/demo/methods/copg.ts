/** CoPG (Flet-Berliac et al., arXiv 2406.19185) on the same pairs, rewards from the learned reward model. */
import { baseRun } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/** CoPG: the `copg` pipeline on `ctx.files.scoredPairs` (chosen/rejected rewards = learned RM). */
export const copgMethod: DemoMethod = {
  name: 'copg',
  label: 'CoPG',
  description: 'the same offline pairs, rewards from the learned reward model; CoPG loss, β 0.1, reference = SFT',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'copg'),
    pipeline: { name: 'copg', beta: 0.1 },
    data: { path: ctx.files.scoredPairs },
    batchRows: ctx.budget.pairsPerUpdate,
  }),
};
