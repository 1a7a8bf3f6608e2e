/**
 * `POST /v1/chat/completions`: messages rendered with the tokenizer's chat template
 * (tokenizer_config.json `chat_template`, with the generation prompt appended) → `chat.completion`.
 * A model without a template is a 400 that says so, never a guessed format.
 */
import { randomUUID } from 'node:crypto';
import type { Tokenizer } from '@prefstream/model';
import { ApiError } from './api-error.js';
import { ChatCompletionRequest, parseRequest } from './request-schemas.js';
import { finishReason, generateOptions } from './generation-request.js';
import { unixNow, type ServeState } from './serve-state.js';

/** Without a max_tokens the reply may run to this many tokens (capped by the server limit). */
const DEFAULT_MAX_TOKENS = 256;

function render(request: ChatCompletionRequest, tokenizer: Tokenizer, modelName: string): string {
  const hasTemplate = (tokenizer as { hasChatTemplate?: boolean }).hasChatTemplate;
  if (typeof tokenizer.applyChatTemplate !== 'function' || hasTemplate === false) {
    throw ApiError.badRequest(`model "${modelName}" has no chat template (tokenizer_config.json chat_template); use /v1/completions`, 'messages', 'no_chat_template');
  }
  const messages = request.messages.map((m) => ({
    role: m.role === 'developer' ? 'system' : m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
  }));
  try {
    return tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
  } catch (err) {
    throw ApiError.badRequest(`chat template failed on these messages: ${err instanceof Error ? err.message : String(err)}`, 'messages');
  }
}

export async function createChatCompletion(body: unknown, state: ServeState): Promise<unknown> {
  const request = parseRequest(ChatCompletionRequest, body);
  // The template writes any BOS itself; encoding must not add another.
  const prompt = state.tokenizer.encode(render(request, state.tokenizer, state.modelName), { addSpecialTokens: false });
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? Math.min(DEFAULT_MAX_TOKENS, state.limits.maxTokens);
  const options = generateOptions(request, maxTokens, [prompt], state.tokenizer, state.limits);
  const generations = await state.queue.run(() => state.generator.generate([prompt], options));
  const ordered = [...generations].sort((a, b) => a.sampleIndex - b.sampleIndex);
  const completionTokens = generations.reduce((s, g) => s + g.completionIds.length, 0);
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: unixNow(),
    model: state.modelName,
    choices: ordered.map((g) => ({
      index: g.sampleIndex,
      message: { role: 'assistant', content: g.completion },
      logprobs: request.logprobs
        ? {
            content: g.completionIds.map((id, t) => {
              const token = state.tokenizer.decode([id]);
              return { token, logprob: g.tokenLogps[t]!, bytes: Array.from(Buffer.from(token, 'utf8')), top_logprobs: [] };
            }),
          }
        : null,
      finish_reason: finishReason(g.finishReason),
    })),
    usage: { prompt_tokens: prompt.length, completion_tokens: completionTokens, total_tokens: prompt.length + completionTokens },
  };
}
