/**
 * A fixed pool of generation threads (the `workers` engine, DESIGN §6), each holding its own copy
 * of the weights. One prompt per thread at a time; waiting prompts sit in a FIFO bounded by
 * `queueSize`. Threads start on the first request and are terminated by `close()`; a thread that
 * fails to load or dies fails every pending and later request with its reason.
 */
import type { Worker } from 'node:worker_threads';
import type { GenerateRequest, WorkerCandidate, WorkerInit, WorkerMessage } from './worker-protocol.js';
import { spawnWorker } from './spawn-worker.js';

interface Task {
  readonly request: GenerateRequest;
  resolve(value: WorkerCandidate[]): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  busy: Task | null;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly queueSize: number;
  readonly init: WorkerInit;
  /** Told once per thread when it has loaded the checkpoint. */
  readonly onReady?: (thread: number, backend: string | undefined) => void;
}

export class WorkerPool {
  private slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private failure: Error | null = null;
  private closed = false;
  private nextId = 0;
  /** Deepest the waiting queue has been since the last `takeMaxQueueDepth()` (includes prompts waiting for threads to load). */
  private maxQueueDepth = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Generates for one prompt on the next free thread. Rejects when the queue is full. */
  submit(request: Omit<GenerateRequest, 'type' | 'id'>, signal: AbortSignal): Promise<WorkerCandidate[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const busy = this.slots.reduce((k, s) => k + (s.busy ? 1 : 0), 0);
    // Capacity: one prompt per thread plus queueSize waiting (threads still loading count as free).
    if (this.queue.length + busy >= this.options.size + this.options.queueSize) {
      return Promise.reject(new Error(`worker pool queue is full (queueSize ${this.options.queueSize}); submit at most workers + queueSize prompts at once`));
    }
    this.start();
    return new Promise<WorkerCandidate[]>((resolve, reject) => {
      const task: Task = { request: { ...request, type: 'generate', id: this.nextId++ }, resolve, reject };
      this.queue.push(task);
      this.maxQueueDepth = Math.max(this.maxQueueDepth, this.queue.length);
      signal.addEventListener(
        'abort',
        () => {
          const at = this.queue.indexOf(task);
          if (at >= 0) {
            this.queue.splice(at, 1);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          }
        },
        { once: true },
      );
      this.dispatch();
    });
  }

  takeMaxQueueDepth(): number {
    const depth = this.maxQueueDepth;
    this.maxQueueDepth = this.queue.length;
    return depth;
  }

  /** Number of live threads (0 before the first request and after close). */
  get threads(): number {
    return this.slots.length;
  }

  /** Terminates every thread; pending requests are rejected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('worker pool is closed'));
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(): void {
    if (this.slots.length > 0) return;
    for (let i = 0; i < this.options.size; i++) {
      const slot: Slot = { worker: spawnWorker('generation-worker', this.options.init), ready: false, busy: null };
      slot.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') this.options.onReady?.(i, message.backend);
        this.onMessage(slot, message);
      });
      slot.worker.on('error', (error) => this.fail(new Error(`generation worker ${i} crashed: ${error.message}`, { cause: error })));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`generation worker ${i} exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        break;
      case 'fatal':
        this.fail(new Error(message.message));
        return;
      case 'result':
      case 'failed': {
        const task = slot.busy;
        slot.busy = null;
        if (task && task.request.id === message.id) {
          if (message.type === 'result') task.resolve(message.generations);
          else task.reject(new Error(message.message));
        }
        break;
      }
    }
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.busy) continue;
      const task = this.queue.shift()!;
      slot.busy = task;
      slot.worker.postMessage(task.request);
    }
  }

  private fail(error: Error): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    this.failAll(error);
    void this.close().catch(() => {});
  }

  private failAll(error: Error): void {
    for (const task of this.queue.splice(0)) task.reject(error);
    for (const slot of this.slots) {
      slot.busy?.reject(error);
      slot.busy = null;
    }
  }
}
