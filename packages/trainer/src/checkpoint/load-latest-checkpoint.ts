/**
 * Finds and reads the newest complete checkpoint of a run, and restores its parts: optimizer state
 * into an {@link Optimizer}, and (for models without a Hugging Face `save`) trainable variables.
 * A `CausalLM` is resumed with `CausalLM.load(checkpoint.dir)`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, tf, type NamedTensorMap, type Variable } from '@prefstream/core';
import { SafetensorsReader } from '@prefstream/model';
import type { Optimizer } from '../optim/optimizer.js';
import { restoreOptimizerState } from '../optim/optimizer-state.js';
import { listCheckpointDirs } from './internal/checkpoint-dirs.js';
import { fromRawTensor } from './internal/raw-tensors.js';
import { CHECKPOINT_FILES, TrainerState } from './trainer-state.js';

/** A complete checkpoint found on disk. */
export interface Checkpoint {
  /** `<runDir>/checkpoint-<step>`. */
  readonly dir: string;
  readonly trainerState: TrainerState;
}

/**
 * The newest checkpoint of `runDir` that is complete (its `trainer_state.json` parses and names
 * the directory's step, and `optimizer.safetensors` exists), or undefined when there is none.
 * Temporary directories of interrupted writes are never considered.
 *
 * @example const latest = await loadLatestCheckpoint('runs/dpo'); if (latest) await restoreOptimizer(latest.dir, opt);
 */
export async function loadLatestCheckpoint(runDir: string): Promise<Checkpoint | undefined> {
  for (const { dir, step } of await listCheckpointDirs(runDir)) {
    const checkpoint = await readComplete(dir, step);
    if (checkpoint) return checkpoint;
  }
  return undefined;
}

async function readComplete(dir: string, step: number): Promise<Checkpoint | undefined> {
  const file = join(dir, CHECKPOINT_FILES.trainerState);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
    await stat(join(dir, CHECKPOINT_FILES.optimizer));
  } catch {
    return undefined; // not complete: a hand-made or foreign directory
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DataError({ file, message: 'not valid JSON', cause });
  }
  const { optimizer: _config, ...rest } = json as Record<string, unknown>;
  const parsed = TrainerState.safeParse(rest);
  if (!parsed.success) throw new DataError({ file, message: `invalid trainer state: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  if (parsed.data.step !== step) throw new DataError({ file, field: 'step', message: `is ${parsed.data.step} in a directory named for step ${step}` });
  return { dir, trainerState: parsed.data };
}

/** Reads every tensor of a safetensors file. @owns the returned tensors. */
async function readTensors(file: string): Promise<NamedTensorMap> {
  const reader = await SafetensorsReader.open(file);
  const out: NamedTensorMap = {};
  try {
    for (const name of reader.names()) out[name] = fromRawTensor(await reader.read(name), name, file);
    return out;
  } catch (error) {
    tf.dispose(out);
    throw error;
  } finally {
    await reader.close();
  }
}

/** Loads `<checkpointDir>/optimizer.safetensors` into `optimizer` (same config and variables). */
export async function restoreOptimizer(checkpointDir: string, optimizer: Optimizer): Promise<void> {
  const tensors = await readTensors(join(checkpointDir, CHECKPOINT_FILES.optimizer));
  try {
    restoreOptimizerState(optimizer, tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Assigns `<checkpointDir>/variables.safetensors` (written for models without `save`) to
 * `variables` by name; every variable must be present with its shape.
 */
export async function restoreVariables(checkpointDir: string, variables: ReadonlyMap<string, Variable>): Promise<void> {
  const file = join(checkpointDir, CHECKPOINT_FILES.variables);
  const tensors = await readTensors(file);
  try {
    for (const [name, variable] of variables) {
      const t = tensors[name];
      if (!t) throw new DataError({ file, field: name, message: 'variable missing from the checkpoint' });
      if (!tf.util.arraysEqual(t.shape, variable.shape)) throw new DataError({ file, field: name, message: `shape [${t.shape}], variable has [${variable.shape}]` });
    }
    for (const [name, variable] of variables) variable.assign(tensors[name]!);
  } finally {
    tf.dispose(tensors);
  }
}
