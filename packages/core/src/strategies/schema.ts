import type { StrategySupports } from '../strategy.js';
import type { ParamSpec } from './definition.js';
import { strategyDefinitions } from './registry.js';

/** Public description of one registered strategy (for docs, UIs and route schemas). */
export interface StrategyDescription {
  readonly name: string;
  readonly title: string;
  readonly citation: string;
  readonly supports: StrategySupports;
  readonly params: Readonly<Record<string, ParamSpec>>;
}

/**
 * Every registered strategy with its parameters, defaults and capability flags.
 *
 * @example
 * describeStrategies().filter((s) => s.supports.secureAggregation).map((s) => s.name);
 */
export function describeStrategies(): StrategyDescription[] {
  return strategyDefinitions.map((d) => ({
    name: d.name,
    title: d.title,
    citation: d.citation,
    supports: d.supports,
    params: d.params as Readonly<Record<string, ParamSpec>>,
  }));
}

const dpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['noiseMultiplier'],
  properties: {
    mode: { enum: ['central', 'client-clipping'] },
    noiseMultiplier: { type: 'number', minimum: 0 },
    clipNorm: { type: 'number', exclusiveMinimum: 0 },
    expectedClients: { type: 'integer', minimum: 1 },
    delta: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    epsilonBudget: { type: 'number', exclusiveMinimum: 0 },
    adaptive: {
      type: 'object',
      additionalProperties: false,
      properties: {
        initialClip: { type: 'number', exclusiveMinimum: 0 },
        targetQuantile: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        learningRate: { type: 'number', exclusiveMinimum: 0 },
        countNoiseMultiplier: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;

/**
 * JSON Schema (draft 2020-12 vocabulary, as Fastify/Ajv accept) for a
 * `StrategyConfig`: one branch per strategy. Cross-field rules (Krum's
 * n > 2f + 2, DP with secure aggregation) are left to `validateRunStrategy`.
 *
 * @example
 * fastify.post('/runs', { schema: { body: { type: 'object', properties: { strategy: strategyConfigSchema() } } } });
 */
export function strategyConfigSchema(): Record<string, unknown> {
  return {
    oneOf: strategyDefinitions.map((d) => ({
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { const: d.name },
        dp: dpSchema,
        ...Object.fromEntries(
          Object.entries(d.params as Record<string, ParamSpec>).map(([key, spec]) => [key, { ...spec }]),
        ),
      },
    })),
  };
}
