#!/usr/bin/env node
import { COMMANDS } from './commands/registry.js';
import { UsageError } from './commands/command.js';

function help(): string {
  const rows = [...COMMANDS.values()].map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return ['usage: prefstream <command> [options]', '', 'commands:', ...rows, '', 'prefstream <command> --help for its options'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.get(name);
  if (!command) {
    console.error(`prefstream: unknown command "${name}"; valid commands: ${[...COMMANDS.keys()].join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`prefstream ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`prefstream ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
