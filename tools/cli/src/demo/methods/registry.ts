/**
 * Every method of `prefstream demo`, in table order. Adding one: a file in this folder exporting a
 * {@link DemoMethod}, then one import and one entry here.
 */
import { copgMethod } from './copg.js';
import { crlftMethod } from './crlft.js';
import type { DemoMethod } from './demo-method.js';
import { dpoMethod } from './dpo.js';
import { pairwisePpoMethod } from './pairwise-ppo.js';
import { grpoMethod } from './grpo.js';
import { rsoMethod } from './rso.js';
import { slicMethod } from './slic.js';

/** The methods by name (`--methods dpo,rso` selects from these). */
export const DEMO_METHODS: ReadonlyMap<string, DemoMethod> = new Map(
  [dpoMethod, slicMethod, rsoMethod, copgMethod, crlftMethod, grpoMethod, pairwisePpoMethod].map((m) => [m.name, m]),
);
