/**
 * The registry of per-example preference losses, by the name used in configs (`loss: sigmoid`).
 * No if/else over loss types anywhere: everything dispatches through this table.
 */
import type { LossDefinition } from './loss-definition.js';
import { copgLoss } from './losses/copg-loss.js';
import { hingeLoss } from './losses/hinge-loss.js';
import { ipoLoss } from './losses/ipo-loss.js';
import { robustLoss } from './losses/robust-loss.js';
import { rsoHingeLoss, rsoHingeNormLoss, rsoSigmoidNormLoss } from './losses/rso-losses.js';
import { sftLoss } from './losses/sft-loss.js';
import { sigmoidLengthNormLoss } from './losses/sigmoid-length-norm-loss.js';
import { sigmoidLoss } from './losses/sigmoid-loss.js';
import { slicLoss } from './losses/slic-loss.js';

/** Loss type → definition. @example LOSS_REGISTRY.ipo.formula // '(h − 1/(2β))²; …' */
export const LOSS_REGISTRY = {
  sigmoid: sigmoidLoss,
  robust: robustLoss,
  hinge: hingeLoss,
  ipo: ipoLoss,
  'sigmoid-length-norm': sigmoidLengthNormLoss,
  'rso-sigmoid-norm': rsoSigmoidNormLoss,
  'rso-hinge': rsoHingeLoss,
  'rso-hinge-norm': rsoHingeNormLoss,
  slic: slicLoss,
  copg: copgLoss,
  sft: sftLoss,
} as const satisfies Record<string, LossDefinition>;

/** A registered loss type. */
export type LossType = keyof typeof LOSS_REGISTRY;

/** Every registered loss type, in registry order. */
export const LOSS_TYPES = Object.keys(LOSS_REGISTRY) as LossType[];

/** True when `name` is a registered loss type. */
export function isLossType(name: string): name is LossType {
  return Object.hasOwn(LOSS_REGISTRY, name);
}
