import type { ParamSpec, ParamValues, StrategyDefinition } from './definition.js';
import { strategyErrors } from './errors.js';
import { nullRecord } from '../records.js';

function violation(spec: ParamSpec, value: number): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (spec.type === 'integer' && !Number.isInteger(value)) return 'must be an integer';
  if (spec.minimum !== undefined && value < spec.minimum) return `must be ≥ ${spec.minimum}`;
  if (spec.exclusiveMinimum !== undefined && value <= spec.exclusiveMinimum) {
    return `must be > ${spec.exclusiveMinimum}`;
  }
  if (spec.maximum !== undefined && value > spec.maximum) return `must be ≤ ${spec.maximum}`;
  if (spec.exclusiveMaximum !== undefined && value >= spec.exclusiveMaximum) {
    return `must be < ${spec.exclusiveMaximum}`;
  }
  return undefined;
}

/**
 * The parameters of `config` for `definition`, with defaults filled and every
 * range checked. Unknown keys are refused so a typo never silently falls back
 * to a default.
 *
 * @example
 * resolveParams(krumDefinition, { name: 'krum' }); // { f: 1 }
 */
export function resolveParams(
  definition: StrategyDefinition<string, ParamValues>,
  config: Readonly<Record<string, unknown>>,
): ParamValues {
  for (const key of Object.keys(config)) {
    if (key !== 'name' && key !== 'dp' && !Object.hasOwn(definition.params, key)) {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_PARAM_UNKNOWN',
        `${definition.name} has no parameter "${key}"`,
        {
          details: { param: key },
        },
      );
    }
  }
  // Parameter names come from the researcher's run settings (REST).
  const out: ParamValues = nullRecord();
  for (const [key, spec] of Object.entries(definition.params)) {
    const raw = config[key] ?? spec.default;
    if (raw === undefined) continue;
    const problem = typeof raw === 'number' ? violation(spec, raw) : 'must be a number';
    if (problem !== undefined) {
      throw strategyErrors.create(
        'FEDERA_ERR_STRATEGY_PARAM_INVALID',
        `${definition.name}.${key} = ${String(raw)}: ${problem}`,
        {
          details: { param: key, value: raw },
        },
      );
    }
    out[key] = raw as number;
  }
  return out;
}
