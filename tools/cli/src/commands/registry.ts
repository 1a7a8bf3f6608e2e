import type { Command } from './command.js';
import { data } from './data.js';
import { demo } from './demo.js';
import { generate } from './generate.js';
import { inspect } from './inspect.js';
import { logprobs } from './logprobs.js';
import { merge } from './merge.js';
import { report } from './report.js';
import { run } from './run.js';
import { serve } from './serve.js';
import { vector } from './vector.js';

/** Every subcommand, by name. Adding one is a new file and a line here. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([run, data, demo, inspect, logprobs, generate, serve, vector, merge, report].map((c) => [c.name, c]));
