import type { Command } from './command.js';
import { demo } from './demo.js';

/** Every subcommand, by name. Adding one is a new file and a line here. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([demo].map((c) => [c.name, c]));
