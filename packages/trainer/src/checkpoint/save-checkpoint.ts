/**
 * Writes a checkpoint atomically (DESIGN §7): everything goes into a temporary directory whose name
 * cannot be mistaken for a checkpoint, `trainer_state.json` last, and only then is the directory
 * renamed to `checkpoint-<step>` (a single `rename`, atomic on POSIX file systems). A failure
 * removes the temporary directory; a crash leaves only a `.checkpoint-*.tmp-*` directory, which
 * {@link loadLatestCheckpoint} never picks.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tf, type NamedTensorMap } from '@prefstream/core';
import { writeSafetensors } from '@prefstream/model';
import type { LogProbModel } from '@prefstream/model';
import type { Optimizer } from '../optim/optimizer.js';
import { optimizerState } from '../optim/optimizer-state.js';
import { checkpointDirName, listCheckpointDirs, temporaryDirName } from './internal/checkpoint-dirs.js';
import { toRawTensors } from './internal/raw-tensors.js';
import { CHECKPOINT_FILES, TrainerState, type TrainerStateInput } from './trainer-state.js';

/** A model that can write itself as a Hugging Face directory (e.g. `CausalLM`). */
interface SavableModel {
  save(dir: string): Promise<void>;
}

/** What {@link saveCheckpoint} writes. */
export interface SaveCheckpointArgs {
  /** The run directory; the checkpoint becomes `<dir>/checkpoint-<step>`. */
  dir: string;
  /** Written with `model.save(checkpointDir)` when it has one (a Hugging Face directory), else its trainable variables as `variables.safetensors`. */
  model: LogProbModel & Partial<SavableModel>;
  optimizer: Optimizer;
  /** Step, epoch, RNG states (`rng.state()`), stream position, metrics so far. */
  trainerState: TrainerStateInput;
  /** Keep only the newest k checkpoints (HF `save_total_limit`); undefined keeps all. */
  keepLast?: number;
}

/**
 * @returns the directory of the new checkpoint.
 * @example
 * await saveCheckpoint({ dir: 'runs/dpo', model, optimizer, keepLast: 2,
 *   trainerState: { step: optimizer.step, epoch, rng: { run: rng.state() }, streamPosition: { row: 4096 }, metrics } });
 */
export async function saveCheckpoint(args: SaveCheckpointArgs): Promise<string> {
  const state = TrainerState.parse(args.trainerState);
  const keepLast = z.int().positive().optional().parse(args.keepLast);
  if (state.step !== args.optimizer.step) {
    throw new Error(`saveCheckpoint: trainerState.step is ${state.step} but the optimizer has applied ${args.optimizer.step} updates`);
  }
  await mkdir(args.dir, { recursive: true });
  const finalDir = join(args.dir, checkpointDirName(state.step));
  const tmpDir = join(args.dir, temporaryDirName(state.step));
  await mkdir(tmpDir);
  try {
    await writeModel(args.model, tmpDir);
    await writeTensors(join(tmpDir, CHECKPOINT_FILES.optimizer), optimizerState(args.optimizer), { optimizer: args.optimizer.config.name });
    // Last, so a directory with a trainer_state.json has everything else.
    await writeFile(join(tmpDir, CHECKPOINT_FILES.trainerState), JSON.stringify({ ...state, optimizer: args.optimizer.config }, null, 2) + '\n');
    await replaceDir(tmpDir, finalDir);
  } catch (error) {
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
  if (keepLast !== undefined) await prune(args.dir, keepLast, finalDir);
  return finalDir;
}

async function writeModel(model: SaveCheckpointArgs['model'], dir: string): Promise<void> {
  if (typeof model.save === 'function') return model.save(dir);
  const variables: NamedTensorMap = Object.fromEntries(model.trainableVariables());
  const raw = await toRawTensors(variables);
  await writeSafetensors(join(dir, CHECKPOINT_FILES.variables), raw, { format: 'pt' });
}

/** Writes and then frees `tensors`. @owns `tensors`. */
async function writeTensors(file: string, tensors: NamedTensorMap, metadata: Record<string, string>): Promise<void> {
  try {
    await writeSafetensors(file, await toRawTensors(tensors), { format: 'pt', ...metadata });
  } finally {
    tf.dispose(tensors);
  }
}

/** `rename(from, to)`, moving an existing `to` (a re-save of the same step) out of the way first. */
async function replaceDir(from: string, to: string): Promise<void> {
  const exists = await stat(to).then(() => true, () => false);
  if (!exists) return rename(from, to);
  const old = `${to}.old-${process.pid}-${Date.now()}`;
  await rename(to, old);
  await rename(from, to);
  await rm(old, { recursive: true, force: true });
}

async function prune(runDir: string, keepLast: number, keep: string): Promise<void> {
  const dirs = await listCheckpointDirs(runDir);
  for (const { dir } of dirs.slice(keepLast)) if (dir !== keep) await rm(dir, { recursive: true, force: true });
}
