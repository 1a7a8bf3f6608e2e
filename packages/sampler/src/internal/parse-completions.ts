/**
 * Reads an OpenAI-compatible `/v1/completions` answer into candidates: `choices[i].text` and the
 * sum of `choices[i].logprobs.token_logprobs`; token ids from vLLM's `token_id:<n>` tokens
 * (`return_tokens_as_token_ids`) or from a tokenizer. Anything malformed is an error saying what.
 */
import type { Candidate } from '../engines/candidate-engine.js';

interface Choice {
  index?: unknown;
  text?: unknown;
  logprobs?: { tokens?: unknown; token_logprobs?: unknown } | null;
}

export function parseCompletions(
  text: string,
  n: number,
  ids: { fromTokens: boolean; encode: ((text: string) => number[]) | undefined },
): Candidate[] {
  let json: { choices?: unknown };
  try {
    json = JSON.parse(text) as { choices?: unknown };
  } catch {
    throw new Error(`malformed response (not JSON): ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(json.choices)) throw new Error(`malformed response: no "choices" array: ${text.slice(0, 200)}`);
  if (json.choices.length !== n) throw new Error(`server returned ${json.choices.length} choices, expected n = ${n}`);
  const choices = (json.choices as Choice[]).map((c, i) => ({ c, index: typeof c.index === 'number' ? c.index : i }));
  choices.sort((a, b) => a.index - b.index);
  return choices.map(({ c, index }) => {
    if (typeof c.text !== 'string') throw new Error(`malformed response: choices[${index}].text is not a string`);
    const logps = c.logprobs?.token_logprobs;
    if (!Array.isArray(logps)) throw new Error(`malformed response: choices[${index}].logprobs.token_logprobs missing (the server must support "logprobs")`);
    let logp = 0;
    for (const v of logps) {
      if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`malformed response: choices[${index}] has a non-numeric token log-prob (${String(v)})`);
      logp += v;
    }
    let completionIds: number[] | undefined;
    if (ids.fromTokens) {
      const tokens = c.logprobs?.tokens;
      if (!Array.isArray(tokens)) throw new Error(`malformed response: choices[${index}].logprobs.tokens missing`);
      completionIds = tokens.map((t) => {
        const m = typeof t === 'string' ? /^token_id:(\d+)$/.exec(t) : null;
        if (!m) throw new Error(`choices[${index}]: token ${JSON.stringify(t)} is not "token_id:<n>" (does the server support return_tokens_as_token_ids?)`);
        return Number(m[1]);
      });
    } else if (ids.encode) {
      completionIds = ids.encode(c.text);
    }
    return { completion: c.text, completionIds, logp };
  });
}
