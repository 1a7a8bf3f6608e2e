import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/registry.js';

describe('prefstream command registry', () => {
  it('registers each command under its own name with usage text', () => {
    expect(COMMANDS.size).toBeGreaterThan(0);
    for (const [name, command] of COMMANDS) {
      expect(command.name).toBe(name);
      expect(command.usage).toContain(`prefstream ${name}`);
    }
  });
});
