/**
 * What ByteTokenizer and CharTokenizer share: special tokens numbered after the base vocabulary,
 * optional BOS, an optional chat template, a fingerprint, and the on-disk form that makes a toy
 * checkpoint a self-contained directory (tokenizer_config.json + prefstream_tokenizer.json).
 */
import { createHash } from 'node:crypto';
import type { Tokenizer } from '../policy.js';
import { ChatTemplate, type ChatMessage } from './chat-template.js';
import { SpecialTokenTable, type SpecialTokenRoles } from './special-token-table.js';

/** Options of every toy tokenizer. */
export interface ToyTokenizerOptions extends SpecialTokenRoles {
  /**
   * Special tokens, numbered after the base vocabulary in this order. Default
   * `['<|endoftext|>', '<|pad|>']` with eos `<|endoftext|>` and pad `<|pad|>`.
   */
  specialTokens?: readonly string[];
  /** Prepend `bosToken` when encoding with special tokens (like Llama's `add_bos_token`). */
  addBosToken?: boolean;
  /** Jinja chat template, rendered like tokenizer_config.json's `chat_template`. */
  chatTemplate?: string;
}

/** The default specials: GPT-2's end-of-text (also used as EOS) and a separate padding token. */
const DEFAULT_SPECIALS: ToyTokenizerOptions = { specialTokens: ['<|endoftext|>', '<|pad|>'], eosToken: '<|endoftext|>', padToken: '<|pad|>' };

/** The JSON a toy tokenizer writes to prefstream_tokenizer.json; `type` selects its kind on load. */
export interface ToyTokenizerFile {
  type: string;
  special_tokens: string[];
  [field: string]: unknown;
}

/** Base class of the toy tokenizers; subclasses map plain text to base ids and back. */
export abstract class ToyTokenizer implements Tokenizer {
  /** The `type` written to prefstream_tokenizer.json. */
  abstract readonly kind: string;
  readonly eosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  readonly bosTokenId: number | undefined;
  readonly vocabSize: number;
  readonly addBosToken: boolean;
  protected readonly specials: SpecialTokenTable;
  private readonly template: ChatTemplate | undefined;

  protected constructor(baseSize: number, options: ToyTokenizerOptions, where: string) {
    const o = options.specialTokens === undefined ? { ...DEFAULT_SPECIALS, ...options } : options;
    const roles = { bosToken: o.bosToken, eosToken: o.eosToken, padToken: o.padToken, unkToken: o.unkToken };
    this.specials = new SpecialTokenTable(o.specialTokens ?? [], baseSize, roles, where);
    this.bosTokenId = this.specials.idOf(o.bosToken);
    this.eosTokenId = this.specials.idOf(o.eosToken);
    this.padTokenId = this.specials.idOf(o.padToken);
    this.vocabSize = baseSize + this.specials.tokens.length;
    this.addBosToken = o.addBosToken ?? false;
    if (this.addBosToken && this.bosTokenId === undefined) throw new Error(`${where}: addBosToken needs a bosToken`);
    this.template = o.chatTemplate === undefined ? undefined : new ChatTemplate(o.chatTemplate, roles, where);
  }

  /** Base-vocabulary ids of a text that holds no special tokens. */
  protected abstract encodePlain(text: string): number[];
  /** Text of a run of base-vocabulary ids. */
  protected abstract decodePlain(ids: readonly number[]): string;
  /** Kind-specific fields for prefstream_tokenizer.json (besides `type` and `special_tokens`). */
  protected abstract fileFields(): Record<string, unknown>;

  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const ids: number[] = [];
    if ((options.addSpecialTokens ?? true) && this.addBosToken) ids.push(this.bosTokenId!);
    for (const piece of this.specials.split(text)) {
      if ('id' in piece) ids.push(piece.id);
      else ids.push(...this.encodePlain(piece.text));
    }
    return ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    let out = '';
    let run: number[] = [];
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`${this.kind} tokenizer: token id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      }
      const special = this.specials.tokenOf(id);
      if (special === undefined) {
        run.push(id);
        continue;
      }
      out += this.decodePlain(run);
      run = [];
      if (!options.skipSpecialTokens) out += special;
    }
    return out + this.decodePlain(run);
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    if (this.template === undefined) throw new Error(`${this.kind} tokenizer: no chat template was configured`);
    return this.template.render(messages, options);
  }

  /** True when a chat template was configured. */
  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  fingerprint(): string {
    return createHash('sha256').update(JSON.stringify({ ...this.toFile(), config: this.toConfig() })).digest('hex');
  }

  /** prefstream_tokenizer.json and tokenizer_config.json, for `saveTokenizer`. */
  files(): Record<string, unknown> {
    return { 'prefstream_tokenizer.json': this.toFile(), 'tokenizer_config.json': this.toConfig() };
  }

  /** The content of prefstream_tokenizer.json. */
  toFile(): ToyTokenizerFile {
    return { type: this.kind, special_tokens: [...this.specials.tokens], ...this.fileFields() };
  }

  /** The content of tokenizer_config.json, with Hugging Face field names. */
  toConfig(): Record<string, unknown> {
    const r = this.specials.roles;
    const config: Record<string, unknown> = {
      tokenizer_class: `prefstream.${this.kind}`,
      bos_token: r.bosToken ?? null,
      eos_token: r.eosToken ?? null,
      pad_token: r.padToken ?? null,
      unk_token: r.unkToken ?? null,
      add_bos_token: this.addBosToken,
    };
    if (this.template !== undefined) config.chat_template = this.template.source;
    return config;
  }
}

/** Reads the toy options back from tokenizer_config.json (the inverse of `toConfig`). */
export function toyOptionsFromConfig(file: ToyTokenizerFile, config: Record<string, unknown>): ToyTokenizerOptions {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    specialTokens: file.special_tokens,
    bosToken: str(config.bos_token),
    eosToken: str(config.eos_token),
    padToken: str(config.pad_token),
    unkToken: str(config.unk_token),
    addBosToken: config.add_bos_token === true,
    ...(typeof config.chat_template === 'string' ? { chatTemplate: config.chat_template } : {}),
  };
}
