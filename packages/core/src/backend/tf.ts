/**
 * The single TensorFlow.js namespace of the whole workspace. Every package imports `tf` from
 * `@prefstream/core`, never from `@tensorflow/*`, so one tfjs-core instance (and so one engine,
 * one backend registry, one kernel registry) is shared by all stages.
 *
 * The union package registers every op's gradient; `tfjs-core` alone registers none.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Variable, Rank, DataType, NamedTensorMap } from '@tensorflow/tfjs';
