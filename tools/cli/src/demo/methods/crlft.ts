/** C-RLFT (OpenChat, Wang et al., arXiv 2309.11235) on the mixed-quality rows with their source labels. */
import { additionTask } from '@prefstream/eval';
import { baseRun } from './base-run.js';
import type { DemoMethod } from './demo-method.js';

/**
 * C-RLFT: the `crlft` pipeline on `ctx.files.conditioned` (expert rows weight 1 with condition
 * `E`, sub-optimal rows weight 0.1 with `S`); evaluated with the expert condition, as OpenChat
 * prompts its model with the GPT-4 class at inference.
 */
export const crlftMethod: DemoMethod = {
  name: 'crlft',
  label: 'C-RLFT',
  description: 'the mixed-quality SFT rows with source conditions and class weights (1 / 0.1); prompted as expert',
  runConfig: (ctx) => ({
    ...baseRun(ctx, 'crlft'),
    pipeline: { name: 'crlft' },
    data: { path: ctx.files.conditioned },
    batchRows: ctx.budget.sequencesPerUpdate,
  }),
  evalPrompt: (prompt) => additionTask.conditionedPrompt(prompt, 'expert'),
};
