import { describe, expect, it } from 'vitest';
import { zeroInitializers } from './topology.js';

describe('zeroInitializers', () => {
  it('replaces every initializer, at any depth, and leaves everything else as it was', () => {
    const glorot = { class_name: 'GlorotUniform', config: { seed: null } };
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'kernel_initializer',
        layers: [
          {
            class_name: 'Dense',
            config: { units: 3, kernel_initializer: glorot, bias_initializer: 'zeros' },
          },
          {
            class_name: 'Bidirectional',
            config: { layer: { class_name: 'LSTM', config: { recurrent_initializer: glorot } } },
          },
        ],
      },
    };
    const zeros = { class_name: 'Zeros', config: {} };
    expect(zeroInitializers(topology)).toEqual({
      class_name: 'Sequential',
      config: {
        name: 'kernel_initializer',
        layers: [
          { class_name: 'Dense', config: { units: 3, kernel_initializer: zeros, bias_initializer: zeros } },
          {
            class_name: 'Bidirectional',
            config: { layer: { class_name: 'LSTM', config: { recurrent_initializer: zeros } } },
          },
        ],
      },
    });
    expect(topology.config.layers[0]!.config.kernel_initializer).toBe(glorot);
  });

  it('keeps a __proto__ key a key, never the prototype', () => {
    const parsed = JSON.parse(
      '{"config":{"__proto__":{"polluted":1},"kernel_initializer":{"class_name":"Ones"}}}',
    );
    const out = zeroInitializers(parsed) as { config: Record<string, unknown> };
    expect(Object.hasOwn(out.config, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(out.config['kernel_initializer']).toEqual({ class_name: 'Zeros', config: {} });
  });
});
