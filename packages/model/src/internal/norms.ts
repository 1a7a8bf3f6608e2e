/**
 * Normalizations over the last axis of (N, D) rows, in float32, with hand-written gradients that
 * save only the normalized rows x̂ and the reciprocal scale r (composed from tfjs ops, every
 * Multiply and Subtract would clone its (N, D) inputs for the backward pass):
 *   x̂ = (x − μ)·r (LayerNorm) or x·r (RMSNorm), y = x̂·γ (+ β), ĝ = dy·γ,
 *   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) (LayerNorm), dx = r·(ĝ − x̂·mean(ĝ·x̂)) (RMSNorm),
 *   dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '@prefstream/core';

type Saver = (tensors: Tensor[]) => void;
type GradFn = (...args: (Tensor | Saver)[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor[] };

/** Σ over rows as a (1, N)·(N, D) product (the wasm Sum kernel transposes before reducing axis 0). */
function sumRows(x: Tensor2D): Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [-1]); // (D,)
}

interface NormKind {
  /** x̂ and r (N, 1) of the rows. */
  normalize(x: Tensor2D, eps: number): { xhat: Tensor2D; r: Tensor2D };
  centered: boolean;
}

const LAYER: NormKind = {
  centered: true,
  normalize(x, eps) {
    const xc = tf.sub(x, tf.mean(x, -1, true)); // (N, D)
    const r = tf.rsqrt(tf.add(tf.mean(tf.mul(xc, xc), -1, true), eps)) as Tensor2D; // (N, 1)
    return { xhat: tf.mul(xc, r), r }; // (N, D)
  },
};

const RMS: NormKind = {
  centered: false,
  normalize(x, eps) {
    const r = tf.rsqrt(tf.add(tf.mean(tf.mul(x, x), -1, true), eps)) as Tensor2D; // (N, 1)
    return { xhat: tf.mul(x, r), r }; // (N, D)
  },
};

function norm(kind: NormKind, x: Tensor2D, gamma: Tensor1D, beta: Tensor1D | undefined, eps: number): Tensor2D {
  const readGamma = gamma instanceof tf.Variable; // variables outlive the backward pass: read, not saved
  const f = tf.customGrad(((xx: Tensor2D, g: Tensor1D, ...rest: (Tensor | Saver)[]) => {
    const save = rest.at(-1) as Saver;
    const b = rest.length === 2 ? (rest[0] as Tensor1D) : undefined;
    const { xhat, r } = kind.normalize(xx, eps);
    save(readGamma ? [xhat, r] : [xhat, r, g]);
    const y = tf.mul(xhat, g); // (N, D)
    return {
      value: b ? tf.add(y, b) : y, // (N, D)
      gradFunc: (dy: Tensor2D, saved: Tensor[]) => {
        const [sxhat, sr] = saved as [Tensor2D, Tensor2D];
        const sg = readGamma ? gamma : (saved[2] as Tensor1D);
        const gh = tf.mul(dy, sg); // (N, D) ĝ
        const proj = tf.mul(sxhat, tf.mean(tf.mul(gh, sxhat), -1, true)); // (N, D) x̂·mean(ĝ·x̂)
        const inner = kind.centered ? tf.sub(tf.sub(gh, tf.mean(gh, -1, true)), proj) : tf.sub(gh, proj); // (N, D)
        const grads = [tf.mul(inner, sr), sumRows(tf.mul(dy, sxhat))]; // (N, D), (D,)
        return b ? [...grads, sumRows(dy)] : grads;
      },
    };
  }) as unknown as GradFn);
  return (beta ? f(x, gamma, beta) : f(x, gamma)) as Tensor2D;
}

/** LayerNorm (Ba et al. 2016; torch.nn.LayerNorm: biased variance): (x − μ)/√(σ² + ε)·γ + β. */
export function layerNorm(x: Tensor2D, gamma: Tensor1D, beta: Tensor1D, eps: number): Tensor2D {
  return norm(LAYER, x, gamma, beta, eps); // (N, D)
}

/** RMSNorm (Zhang & Sennrich 2019; HF LlamaRMSNorm): x/√(mean(x²) + ε)·w. */
export function rmsNorm(x: Tensor2D, weight: Tensor1D, eps: number): Tensor2D {
  return norm(RMS, x, weight, undefined, eps); // (N, D)
}
