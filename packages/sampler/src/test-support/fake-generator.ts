/**
 * A deterministic TextGenerator + Tokenizer for tests: characters are tokens (id = char code),
 * each sample's text is drawn from a seeded Rng keyed by (seed, sampleIndex), each token has
 * log-prob −0.5. Special prompts: "boom" rejects; "slow" waits 10 s (for unsubscribe tests).
 * Imports no runtime module, so worker threads that load it start fast.
 */

/** mulberry32: a tiny seeded PRNG; returns an int in [0, n). */
function smallRng(seed: number) {
  let a = seed >>> 0;
  return {
    int(n: number): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    },
  };
}
import type { GenerateOptions, Generation, TextGenerator, Tokenizer } from '@prefstream/model';

export const TOKEN_LOGP = -0.5;

export class FakeGenerator implements TextGenerator {
  readonly calls: { prompts: number[][]; options: GenerateOptions }[] = [];

  async generate(prompts: readonly (readonly number[])[], options: GenerateOptions): Promise<Generation[]> {
    this.calls.push({ prompts: prompts.map((p) => [...p]), options });
    const text = String.fromCharCode(...(prompts[0] ?? []));
    if (text === 'boom') throw new Error('generator exploded');
    if (text === 'slow') await new Promise((r) => setTimeout(r, 10_000));
    const out: Generation[] = [];
    prompts.forEach((prompt, promptIndex) => {
      for (let sampleIndex = 0; sampleIndex < (options.n ?? 1); sampleIndex++) {
        const rng = smallRng((options.seed ?? 0) ^ (sampleIndex * 7919) ^ (promptIndex * 104729));
        const length = 1 + Math.min(options.maxNewTokens - 1, rng.int(4));
        const completionIds = Array.from({ length }, () => 97 + rng.int(26)); // 'a'..'z'
        out.push({
          promptIndex,
          sampleIndex,
          completionIds,
          completion: String.fromCharCode(...completionIds),
          tokenLogps: completionIds.map(() => TOKEN_LOGP),
          finishReason: 'length',
        });
      }
      void prompt;
    });
    return out;
  }
}

export const fakeTokenizer: Tokenizer = {
  encode: (text) => Array.from(text, (c) => c.charCodeAt(0)),
  decode: (ids) => String.fromCharCode(...ids),
  eosTokenId: undefined,
  padTokenId: undefined,
  bosTokenId: undefined,
  vocabSize: 65536,
  fingerprint: () => 'fake',
};
