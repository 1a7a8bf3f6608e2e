/**
 * A Hugging Face chat template (the Jinja `chat_template` of tokenizer_config.json), compiled once
 * and rendered with the variables transformers passes (`apply_chat_template`): `messages`,
 * `add_generation_prompt`, and the special-token strings `bos_token`, `eos_token`, `pad_token`,
 * `unk_token`.
 */
import { Template } from '@huggingface/jinja';
import { DataError } from '@prefstream/core';

/** One chat turn as templates expect it. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** The special-token strings a template may reference. */
export interface ChatTemplateTokens {
  bosToken?: string | undefined;
  eosToken?: string | undefined;
  padToken?: string | undefined;
  unkToken?: string | undefined;
}

/**
 * A compiled chat template.
 *
 * @example
 * const t = new ChatTemplate('{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}', {});
 * t.render([{ role: 'user', content: 'hi' }]); // 'user: hi\n'
 */
export class ChatTemplate {
  /** The template source, as stored in tokenizer_config.json. */
  readonly source: string;
  private readonly template: Template;
  private readonly tokens: ChatTemplateTokens;

  /** @param file named in the error when the template does not parse. */
  constructor(source: string, tokens: ChatTemplateTokens, file = 'chat_template') {
    this.source = source;
    this.tokens = tokens;
    try {
      this.template = new Template(source);
    } catch (cause) {
      throw new DataError({ file, field: 'chat_template', message: `template does not parse: ${(cause as Error).message}`, cause });
    }
  }

  /** Renders `messages`; `addGenerationPrompt` opens the assistant turn for generation. */
  render(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    return this.template.render({
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: this.tokens.bosToken ?? '',
      eos_token: this.tokens.eosToken ?? '',
      pad_token: this.tokens.padToken ?? '',
      unk_token: this.tokens.unkToken ?? '',
    });
  }
}

/**
 * Picks the template from tokenizer_config.json's `chat_template`, which transformers writes
 * either as a string or as a list of `{ name, template }` (the one named "default" is used).
 */
export function selectChatTemplate(value: unknown, file: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value as { name?: unknown; template?: unknown }[];
    const pick = named.find((t) => t.name === 'default') ?? named[0];
    if (pick && typeof pick.template === 'string') return pick.template;
  }
  throw new DataError({ file, field: 'chat_template', message: 'expected a string or a list of { name, template }' });
}
