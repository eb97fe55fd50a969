import { coreErrors } from '../core-errors.js';
import type { ClientUpdate, RoundAggregator, ServerStep, Strategy, StrategyState } from '../strategy.js';
import { type TensorSpec, type Weights, assertWeightsMatch, sizeOf } from '../weights.js';
import { nextClipNorm, updateNoiseMultiplier } from './adaptive-clip.js';
import { strategyErrors } from '../strategies/errors.js';
import { clipToNorm } from './clip.js';
import { type DpConfig, resolveDpConfig } from './config.js';
import { gaussianNoise } from './gaussian.js';

/**
 * Metric through which clients in `client-clipping` mode report whether their
 * update was unclipped (1) or clipped (0); on a pre-summed update it is the count.
 */
export const DP_UNCLIPPED_METRIC = 'dp_unclipped';

/** State key holding the current adaptive clip as a one-element tensor. */
export const DP_CLIP_STATE_KEY = 'dp.clip';

/**
 * Wrap a mean-aggregating strategy with DP-FedAvg's aggregation (McMahan et
 * al. 2018, Alg. 1; Andrew et al. 2021 for adaptive clipping): each update is
 * clipped to C (by the server, or by clients in `client-clipping` mode), the
 * clipped updates are averaged with EQUAL weights over n (expectedClients, or
 * the round's count), and N(0, (z·C/n)²) noise is added per coordinate from
 * the platform CSPRNG. `inner.applyDelta` then runs its server optimizer on
 * the noised mean (post-processing, so privacy is unchanged). With adaptive
 * clipping the clip lives in the state under {@link DP_CLIP_STATE_KEY}; pass
 * the persisted state to resume it.
 *
 * @example
 * const s = withCentralDp(createFedAvg(), { noiseMultiplier: 1.1, clipNorm: 1, expectedClients: 100 });
 */
export function withCentralDp(inner: Strategy, dp: DpConfig, resumeFrom: StrategyState = {}): Strategy {
  const cfg = resolveDpConfig(dp);
  const saved = resumeFrom[DP_CLIP_STATE_KEY]?.[0]?.[0];
  let clip =
    cfg.adaptive !== undefined && saved !== undefined && saved > 0 ? saved : Math.fround(cfg.clipNorm);
  let nextClip: number | undefined;
  const zUpdates =
    cfg.adaptive === undefined
      ? cfg.noiseMultiplier
      : updateNoiseMultiplier(cfg.noiseMultiplier, cfg.adaptive.countNoiseMultiplier);
  const serverClips = cfg.mode === 'central';

  function createAggregator(specs: readonly TensorSpec[]): RoundAggregator {
    const roundClip = clip;
    const sums = specs.map((s) => new Float64Array(sizeOf(s.shape)));
    let count = 0;
    let unclipped = 0;
    return {
      add(update: ClientUpdate) {
        assertWeightsMatch(specs, update.delta);
        const reported = cfg.adaptive !== undefined && !serverClips ? reportedUnclipped(update) : 0;
        let delta = update.delta;
        if (serverClips) {
          const result = clipToNorm(delta, roundClip);
          delta = result.clipped;
          if (!result.wasClipped) unclipped++;
        } else {
          unclipped += reported;
        }
        for (let i = 0; i < sums.length; i++) {
          const acc = sums[i]!;
          const d = delta[i]!;
          for (let j = 0; j < acc.length; j++) acc[j] = acc[j]! + d[j]!;
        }
        count++;
      },
      get count() {
        return count;
      },
      finish(): Weights {
        if (count === 0) throw coreErrors.create('FEDERA_ERR_CORE_NO_UPDATES');
        const n = cfg.expectedClients ?? count;
        const std = (zUpdates * roundClip) / n;
        const mean = sums.map((acc) => {
          const noise = gaussianNoise(acc.length, std);
          const out = new Float32Array(acc.length);
          for (let j = 0; j < acc.length; j++) out[j] = acc[j]! / n + noise[j]!;
          return out;
        });
        if (cfg.adaptive !== undefined) {
          const countStd = cfg.adaptive.countNoiseMultiplier / 2;
          const noisedFraction = (unclipped + gaussianNoise(1, countStd)[0]!) / n;
          nextClip = Math.fround(nextClipNorm(roundClip, noisedFraction, cfg.adaptive));
        }
        return mean;
      },
    };
  }

  return {
    name: `${inner.name}+dp`,
    supports: { streaming: true, secureAggregation: !serverClips },
    clientConfig: () => (serverClips ? inner.clientConfig() : { ...inner.clientConfig(), clip_norm: clip }),
    createAggregator,
    applyDelta(global: Weights, delta: Weights, state: StrategyState): ServerStep {
      const step = inner.applyDelta(global, delta, state);
      if (cfg.adaptive === undefined) return step;
      if (nextClip !== undefined) clip = nextClip;
      nextClip = undefined;
      return {
        weights: step.weights,
        state: { ...step.state, [DP_CLIP_STATE_KEY]: [Float32Array.of(clip)] },
      };
    },
  };
}

function reportedUnclipped(update: ClientUpdate): number {
  const value = update.metrics[DP_UNCLIPPED_METRIC];
  if (value === undefined || !Number.isFinite(value) || value < 0) {
    throw strategyErrors.create(
      'FEDERA_ERR_STRATEGY_DP_UNCLIPPED_MISSING',
      `client ${update.clientId}: ${value}`,
    );
  }
  return value;
}

/** The current clip of a DP-wrapped strategy's state, or undefined for fixed clipping. */
export function clipFromState(state: StrategyState): number | undefined {
  return state[DP_CLIP_STATE_KEY]?.[0]?.[0];
}
