import { describe, expect, it } from 'vitest';
import type { RunContext } from './definition.js';
import { type StrategyConfig, createStrategy, strategyNames, validateRunStrategy } from './registry.js';
import { describeStrategies, strategyConfigSchema } from './schema.js';

const ctx: RunContext = { secureAggregation: false, clientsPerRound: 10, minClients: 8 };
const withSecAgg: RunContext = { ...ctx, secureAggregation: true };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped ${String(e)}`;
  }
  return undefined;
}

const invalid = (config: unknown, c: RunContext = ctx) =>
  codeOf(() => validateRunStrategy(config as StrategyConfig, c));

describe('validateRunStrategy', () => {
  it('accepts every strategy with its defaults on a plain run', () => {
    for (const name of strategyNames) expect(invalid({ name })).toBeUndefined();
  });

  it('allows exactly the mean strategies with secure aggregation', () => {
    const ok = strategyNames.filter((name) => invalid({ name }, withSecAgg) === undefined);
    expect(ok).toEqual(['fedavg', 'fedavgm', 'fedprox', 'fedadam', 'fedyogi', 'fedadagrad']);
    expect(invalid({ name: 'krum' }, withSecAgg)).toBe('FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE');
  });

  it.each([
    ['unknown strategy', { name: 'fedfoo' }, 'FEDERA_ERR_STRATEGY_UNKNOWN'],
    ['typo in a parameter', { name: 'fedprox', mu: 1 }, 'FEDERA_ERR_STRATEGY_PARAM_UNKNOWN'],
    [
      'Krum f too large (n > 2f + 2 fails at minClients 8)',
      { name: 'krum', f: 3 },
      'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS',
    ],
    ['Krum f not an integer', { name: 'krum', f: 1.5 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['Multi-Krum m > n − f', { name: 'multikrum', f: 2, m: 7 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['Multi-Krum m = 0', { name: 'multikrum', f: 1, m: 0 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['Bulyan n < 4f + 3', { name: 'bulyan', f: 2 }, 'FEDERA_ERR_STRATEGY_TOO_FEW_CLIENTS'],
    ['trimmed-mean β = 0.5', { name: 'fedtrimmedavg', beta: 0.5 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['trimmed-mean β < 0', { name: 'fedtrimmedavg', beta: -0.1 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['negative FedProx μ', { name: 'fedprox', proximalMu: -0.01 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    [
      'zero server learning rate',
      { name: 'fedadam', serverLearningRate: 0 },
      'FEDERA_ERR_STRATEGY_PARAM_INVALID',
    ],
    [
      'negative client learning rate',
      { name: 'fedyogi', clientLearningRate: -1 },
      'FEDERA_ERR_STRATEGY_PARAM_INVALID',
    ],
    ['FedAvgM lr = 0', { name: 'fedavgm', serverLearningRate: 0 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['τ = 0', { name: 'fedadagrad', tau: 0 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['β1 = 1', { name: 'fedadam', beta1: 1 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['β2 < 0', { name: 'fedyogi', beta2: -0.5 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['momentum = 1', { name: 'fedavgm', momentum: 1 }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['parameter not a number', { name: 'fedavgm', momentum: '0.9' }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
    ['NaN parameter', { name: 'fedadam', tau: Number.NaN }, 'FEDERA_ERR_STRATEGY_PARAM_INVALID'],
  ])('refuses %s', (_, config, code) => {
    expect(invalid(config)).toBe(code);
  });

  const dp = (d: Record<string, unknown>) => ({
    name: 'fedavg',
    dp: { noiseMultiplier: 1, clipNorm: 1, ...d },
  });
  it.each([
    ['δ = 1', dp({ delta: 1 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['δ = 0', dp({ delta: 0 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['noise multiplier < 0', dp({ noiseMultiplier: -1 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['clip = 0', dp({ clipNorm: 0 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['both fixed and adaptive clip', dp({ adaptive: {} }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['neither fixed nor adaptive clip', dp({ clipNorm: undefined }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['ε budget ≤ 0', dp({ epsilonBudget: 0 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    ['expectedClients 0', dp({ expectedClients: 0 }), 'FEDERA_ERR_STRATEGY_DP_INVALID'],
    [
      'target quantile 1',
      dp({ clipNorm: undefined, expectedClients: 100, adaptive: { targetQuantile: 1 } }),
      'FEDERA_ERR_STRATEGY_DP_INVALID',
    ],
    [
      'count noise ≤ update noise (z_Δ would be imaginary)',
      dp({ clipNorm: undefined, adaptive: { countNoiseMultiplier: 0.5 } }),
      'FEDERA_ERR_STRATEGY_DP_INVALID',
    ],
    [
      'DP on a robust rule',
      { name: 'fedmedian', dp: { noiseMultiplier: 1, clipNorm: 1 } },
      'FEDERA_ERR_STRATEGY_DP_INCOMPATIBLE',
    ],
    [
      'client clipping without expectedClients',
      dp({ mode: 'client-clipping' }),
      'FEDERA_ERR_STRATEGY_DP_INVALID',
    ],
  ])('refuses DP with %s', (_, config, code) => {
    expect(invalid(config)).toBe(code);
  });

  it('routes DP with secure aggregation to client-side clipping', () => {
    expect(invalid(dp({}), withSecAgg)).toBe('FEDERA_ERR_STRATEGY_SECAGG_INCOMPATIBLE');
    expect(invalid(dp({ mode: 'client-clipping', expectedClients: 10 }), withSecAgg)).toBeUndefined();
    // Adaptive clipping works too: clients report dp_unclipped bits, summed under secure aggregation.
    // The default count noise z_b = expectedClients/10 must exceed z = 1, hence 100 clients.
    expect(
      invalid(
        dp({ mode: 'client-clipping', expectedClients: 100, clipNorm: undefined, adaptive: {} }),
        withSecAgg,
      ),
    ).toBeUndefined();
  });

  it('treats a bad run context as a programmer error', () => {
    expect(invalid({ name: 'fedavg' }, { ...ctx, minClients: 11 })).toMatch(/^untyped TypeError/);
  });
});

describe('createStrategy', () => {
  it('exposes each strategy under its registered name with the documented support flags', () => {
    for (const d of describeStrategies()) {
      const s = createStrategy({ name: d.name } as StrategyConfig);
      expect(s.name).toBe(d.name);
      expect(s.supports).toEqual(d.supports);
      expect(s.supports.streaming).toBe(s.supports.secureAggregation);
    }
  });

  it('wraps DP and reports the flags of the chosen mode', () => {
    const central = createStrategy({ name: 'fedavg', dp: { noiseMultiplier: 1, clipNorm: 2 } });
    expect(central.supports).toEqual({ streaming: true, secureAggregation: false });
    const client = createStrategy({
      name: 'fedprox',
      dp: { noiseMultiplier: 1, clipNorm: 2, mode: 'client-clipping', expectedClients: 5 },
    });
    expect(client.supports).toEqual({ streaming: true, secureAggregation: true });
    expect(client.clientConfig()).toEqual({ proximal_mu: 0.01, clip_norm: 2 });
  });

  it('validates parameter ranges even without a run context', () => {
    expect(codeOf(() => createStrategy({ name: 'fedtrimmedavg', beta: 0.7 }))).toBe(
      'FEDERA_ERR_STRATEGY_PARAM_INVALID',
    );
  });

  it('publishes a schema branch per strategy with defaults', () => {
    const schema = strategyConfigSchema() as { oneOf: { properties: Record<string, { const?: string }> }[] };
    expect(schema.oneOf.map((b) => b.properties['name']!.const)).toEqual([...strategyNames]);
    const adam = describeStrategies().find((d) => d.name === 'fedadam')!;
    expect(adam.params['tau']!.default).toBe(1e-3);
    expect(adam.params['beta2']!.default).toBe(0.99);
  });
});
