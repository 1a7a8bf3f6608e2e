import { describe, expect, it } from 'vitest';
import { ChatTemplate, selectChatTemplate } from './chat-template.js';

describe('ChatTemplate', () => {
  it('renders a ChatML-style template like transformers does', () => {
    const chatml =
      "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
      "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    const t = new ChatTemplate(chatml, { eosToken: '<|im_end|>' });
    expect(t.render([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('names a template that does not parse', () => {
    expect(() => new ChatTemplate('{% for m in messages %}', {}, 'x/tokenizer_config.json')).toThrow(/x\/tokenizer_config\.json, field "chat_template": template does not parse/);
  });

  it('picks the default of a list of named templates', () => {
    expect(selectChatTemplate([{ name: 'tool_use', template: 'A' }, { name: 'default', template: 'B' }], 'f')).toBe('B');
    expect(selectChatTemplate(undefined, 'f')).toBeUndefined();
    expect(() => selectChatTemplate(3, 'f')).toThrow(/f, field "chat_template"/);
  });
});
