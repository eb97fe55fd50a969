import type { StrategyState } from '../strategy.js';
import type { Weights } from '../weights.js';
import { strategyErrors } from './errors.js';
import { nullRecord } from '../records.js';

/**
 * The state tensor `key`, checked against the layout of `like`, or a fresh
 * one filled with `init` when the run has no state yet (first round).
 */
export function readStateTensor(state: StrategyState, key: string, like: Weights, init: number): Weights {
  const found = state[key];
  if (found === undefined) return like.map((t) => new Float32Array(t.length).fill(init));
  const fits = found.length === like.length && found.every((t, i) => t.length === like[i]!.length);
  if (!fits) throw strategyErrors.create('FEDERA_ERR_STRATEGY_STATE_INVALID', `state "${key}" layout`);
  return found;
}

/** JSON form of a strategy state: plain number arrays (float32 → double → float32 is exact). */
export type StrategyStateJson = Record<string, number[][]>;

/**
 * Serialize a state for storage; {@link stateFromJSON} restores it bit-exactly,
 * so a coordinator restart continues momentum and moments exactly.
 *
 * @example
 * const restored = stateFromJSON(JSON.parse(JSON.stringify(stateToJSON(step.state))));
 */
export function stateToJSON(state: StrategyState): StrategyStateJson {
  const out = nullRecord<number[][]>();
  for (const [key, tensors] of Object.entries(state)) out[key] = tensors.map((t) => Array.from(t));
  return out;
}

/** Inverse of {@link stateToJSON}. Throws FEDERA_ERR_STRATEGY_STATE_INVALID on a malformed value. */
export function stateFromJSON(json: unknown): StrategyState {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw strategyErrors.create('FEDERA_ERR_STRATEGY_STATE_INVALID', 'not an object');
  }
  const out: StrategyState = nullRecord();
  for (const [key, tensors] of Object.entries(json)) {
    if (!Array.isArray(tensors)) throw strategyErrors.create('FEDERA_ERR_STRATEGY_STATE_INVALID', key);
    out[key] = tensors.map((t: unknown) => {
      if (!Array.isArray(t) || !t.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw strategyErrors.create('FEDERA_ERR_STRATEGY_STATE_INVALID', key);
      }
      return Float32Array.from(t as number[]);
    });
  }
  return out;
}
