/**
 * A Hugging Face fast tokenizer (tokenizer.json + tokenizer_config.json) behind our `Tokenizer`
 * interface. Encoding and decoding are done by @huggingface/tokenizers; this class adds what
 * transformers' `PreTrainedTokenizerFast` adds on top: special-token roles, `add_bos_token` /
 * `add_eos_token`, the chat template, and a fingerprint.
 */
import { createHash } from 'node:crypto';
import { Tokenizer as HfTokenizerEngine } from '@huggingface/tokenizers';
import { DataError } from '@prefstream/core';
import type { Tokenizer } from '../policy.js';
import { ChatTemplate, selectChatTemplate, type ChatMessage } from './chat-template.js';

/** Where the two JSON documents came from, for error messages. */
export interface HfTokenizerSources {
  tokenizerFile: string;
  configFile: string;
}

/**
 * A special token in tokenizer_config.json is either a string or an AddedToken object
 * (`{ "content": "<s>", ... }`, how transformers writes Llama's).
 */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** JSON with object keys sorted, so the fingerprint does not depend on key order on disk. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * @example
 * const tok = await loadTokenizer('fixtures/hf-gpt2-tiny'); // an HfTokenizer
 * tok.encode('Hello world'); // [15496, 995]
 */
export class HfTokenizer implements Tokenizer {
  /** The tokenizer kind (see TOKENIZER_KINDS). */
  readonly kind = 'hf';
  readonly eosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  readonly bosTokenId: number | undefined;
  readonly vocabSize: number;
  /** The special-token strings by role, as in tokenizer_config.json. */
  readonly specialTokens: { bosToken?: string; eosToken?: string; padToken?: string; unkToken?: string };
  /** The raw documents, kept so `saveTokenizer` writes them back unchanged. */
  readonly tokenizerJson: Record<string, unknown>;
  readonly config: Record<string, unknown>;
  private readonly engine: HfTokenizerEngine;
  private readonly template: ChatTemplate | undefined;
  private readonly fingerprintHex: string;

  constructor(tokenizerJson: Record<string, unknown>, config: Record<string, unknown>, sources: HfTokenizerSources) {
    const model = tokenizerJson.model;
    if (model === null || typeof model !== 'object') {
      throw new DataError({ file: sources.tokenizerFile, field: 'model', message: 'missing or not an object; is this a Hugging Face tokenizer.json?' });
    }
    if (tokenizerJson.added_tokens !== undefined && !Array.isArray(tokenizerJson.added_tokens)) {
      throw new DataError({ file: sources.tokenizerFile, field: 'added_tokens', message: 'expected a list' });
    }
    try {
      this.engine = new HfTokenizerEngine(tokenizerJson, config);
    } catch (cause) {
      throw new DataError({ file: sources.tokenizerFile, message: `cannot build the tokenizer: ${(cause as Error).message}`, cause });
    }
    this.tokenizerJson = tokenizerJson;
    this.config = config;
    const roles = {
      bosToken: tokenString(config.bos_token),
      eosToken: tokenString(config.eos_token),
      padToken: tokenString(config.pad_token),
      unkToken: tokenString(config.unk_token),
    };
    this.specialTokens = Object.fromEntries(Object.entries(roles).filter(([, v]) => v !== undefined));
    this.bosTokenId = this.idOfRole(roles.bosToken, 'bos_token', sources.configFile);
    this.eosTokenId = this.idOfRole(roles.eosToken, 'eos_token', sources.configFile);
    this.padTokenId = this.idOfRole(roles.padToken, 'pad_token', sources.configFile);
    // len(tokenizer) in transformers: the largest id of the vocabulary or the added tokens, plus one.
    let maxId = -1;
    for (const id of this.engine.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const templateSource = selectChatTemplate(config.chat_template, sources.configFile);
    this.template = templateSource === undefined ? undefined : new ChatTemplate(templateSource, roles, sources.configFile);
    this.fingerprintHex = createHash('sha256')
      .update(canonicalJson({ model, added_tokens: tokenizerJson.added_tokens ?? [], specials: roles, add_bos_token: config.add_bos_token, add_eos_token: config.add_eos_token, chat_template: templateSource ?? null }))
      .digest('hex');
  }

  private idOfRole(token: string | undefined, field: string, file: string): number | undefined {
    if (token === undefined) return undefined;
    const id = this.engine.token_to_id(token);
    if (id === undefined) throw new DataError({ file, field, message: `"${token}" is not in the vocabulary` });
    return id;
  }

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const add = options.addSpecialTokens ?? true;
    const addBos = this.config.add_bos_token;
    const addEos = this.config.add_eos_token;
    // Like transformers' LlamaTokenizerFast.update_post_processor: when tokenizer_config.json sets
    // add_bos_token / add_eos_token, they decide, not the post-processor in tokenizer.json.
    if (typeof addBos !== 'boolean' && typeof addEos !== 'boolean') {
      return this.engine.encode(text, { add_special_tokens: add }).ids;
    }
    const ids = this.engine.encode(text, { add_special_tokens: false }).ids;
    if (!add) return ids;
    if (addBos === true && this.bosTokenId !== undefined) ids.unshift(this.bosTokenId);
    if (addEos === true && this.eosTokenId !== undefined) ids.push(this.eosTokenId);
    return ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`tokenizer: token id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      }
    }
    return this.engine.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The token string of one id (e.g. "ĠHello"), or undefined outside the vocabulary. */
  idToToken(id: number): string | undefined {
    return this.engine.id_to_token(id);
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    if (this.template === undefined) throw new Error('tokenizer: tokenizer_config.json has no chat_template');
    return this.template.render(messages, options);
  }

  /** True when tokenizer_config.json carries a chat template. */
  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  fingerprint(): string {
    return this.fingerprintHex;
  }

  /** tokenizer.json and tokenizer_config.json as read, for `saveTokenizer`. */
  files(): Record<string, unknown> {
    return { 'tokenizer.json': this.tokenizerJson, 'tokenizer_config.json': this.config };
  }
}
