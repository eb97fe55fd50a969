import type { TensorSpec, Weights } from '@federa/core';
import { type LocalDataset, RowScorer, type RowScores } from '@federa/client';
import type { RunRecord, ServerEvaluator } from '@federa/server';
import type { LabelledData } from '../data/index.js';

/**
 * How long one predict step may hold its thread's event loop (the coordinator's, or a client-host
 * thread's whose clients' sockets it serves). Steps are sized to the model: a step of the McMahan
 * CNN is a few dozen images, one of the 2NN a couple of thousand (one step of 250 rows fixed either
 * stalled the CNN's sockets for 0.4 s or cut the 2NN's test set into eight predicts, twice the time
 * of two).
 */
export const EVALUATION_STEP_MS = 50;
const FIRST_STEP_ROWS = 32;
const MAX_STEP_ROWS = 4096;

/** Rows per predict step, learned from the steps timed so far (kept across a run's versions). */
export class StepPace {
  constructor(public rows = FIRST_STEP_ROWS) {}

  /** Sizes the next step from one that took `ms` for `rows` rows; at most 4× growth per step. */
  observe(rows: number, ms: number): void {
    const fit = Math.floor((rows * EVALUATION_STEP_MS) / Math.max(ms, 1));
    this.rows = Math.max(1, Math.min(MAX_STEP_ROWS, 4 * rows, fit));
  }
}

/** A {@link StepPace} per topology: kept across a run's versions, new for another model. */
export class PaceByTopology {
  private current: { topologyJson: string; pace: StepPace } | undefined;

  /** The pace for `topologyJson`, new when it differs from the last one asked for. */
  of(topologyJson: string): StepPace {
    if (this.current?.topologyJson !== topologyJson) this.current = { topologyJson, pace: new StepPace() };
    return this.current.pace;
  }
}

/** A simulation's labelled data as the client's dataset type (flat features). */
export function asLocalDataset(data: LabelledData): LocalDataset {
  return { x: data.x, y: data.y, n: data.n, featureShape: [data.features], numClasses: data.classes };
}

/**
 * Rows [start, end) of `data` under the scorer's loaded weights, in predict steps sized by `pace`,
 * yielding to the event loop after each; `onStep` hears each step's rows.
 */
export async function scoreInSteps(
  scorer: RowScorer,
  data: LocalDataset,
  start: number,
  end: number,
  pace: StepPace,
  onStep?: (rows: number) => void,
): Promise<RowScores> {
  const losses = new Float32Array(end - start);
  const hits = new Float32Array(end - start);
  for (let at = start; at < end; ) {
    const rows = Math.min(pace.rows, end - at);
    const began = performance.now();
    const step = scorer.score(data, at, at + rows);
    pace.observe(rows, performance.now() - began);
    losses.set(step.losses, at - start);
    hits.set(step.hits, at - start);
    at += rows;
    onStep?.(rows);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { losses, hits };
}

/**
 * Accuracy and mean cross-entropy from row scores that cover the test set in order. Summed row by
 * row, so the scores do not depend on how the rows were stepped or split among threads.
 */
export function heldOutMetrics(parts: readonly RowScores[]): { test_accuracy: number; test_loss: number } {
  let rows = 0;
  let correct = 0;
  let lossSum = 0;
  for (const { losses, hits } of parts) {
    for (let r = 0; r < losses.length; r++) {
      correct += hits[r]!;
      lossSum += losses[r]!;
    }
    rows += losses.length;
  }
  return { test_accuracy: correct / rows, test_loss: lossSum / rows };
}

/** Accuracy and mean cross-entropy of `weights` on held-out data; `onStep` hears each step's rows. */
export async function evaluateOn(
  topology: unknown,
  specs: readonly TensorSpec[],
  weights: Weights,
  data: LabelledData,
  pace = new StepPace(),
  onStep?: (rows: number) => void,
): Promise<{ test_accuracy: number; test_loss: number }> {
  const scorer = new RowScorer();
  try {
    await scorer.load(JSON.stringify(topology), specs, weights);
    return heldOutMetrics([await scoreInSteps(scorer, asLocalDataset(data), 0, data.n, pace, onStep)]);
  } finally {
    scorer.dispose();
  }
}

/** Scores rows [start, end) of the test set on this thread. */
export type LocalRowScoring = (start: number, end: number) => Promise<RowScores>;

/** Somewhere else to score the test set: the client-host threads (`ClientHosts`). */
export interface HeldOutScoring {
  /** Row scores covering rows 0..n in order; ranges it cannot score go to `local`. */
  scoreHeldOut(
    topologyJson: string,
    specs: readonly TensorSpec[],
    weights: Weights,
    n: number,
    local: LocalRowScoring,
  ): Promise<RowScores[]>;
}

/**
 * A server evaluation hook scoring each new global model on `data`. With `elsewhere` (the
 * client-host threads of `federa sim --workers`), the rows are split among those threads, which sit
 * idle while the coordinator commits, so the round's serial end shrinks with the threads and the
 * coordinator's event loop does no predicting; otherwise it scores on this thread, yielding between
 * steps. The model is built once per topology and given each version's weights.
 */
export function heldOutEvaluator(data: LocalDataset, elsewhere?: HeldOutScoring): ServerEvaluator {
  const scorer = new RowScorer();
  const paces = new PaceByTopology();
  return async (run: RunRecord, weights: Weights) => {
    const topologyJson = JSON.stringify(run.topology);
    const pace = paces.of(topologyJson);
    const local: LocalRowScoring = async (start, end) => {
      await scorer.load(topologyJson, run.specs, weights);
      return scoreInSteps(scorer, data, start, end, pace);
    };
    const parts = elsewhere
      ? await elsewhere.scoreHeldOut(topologyJson, run.specs, weights, data.n, local)
      : [await local(0, data.n)];
    return heldOutMetrics(parts);
  };
}
