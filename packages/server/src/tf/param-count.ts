import { serverErrors } from '../errors.js';

/** A tensor shape without its batch dimension; null where the topology leaves a dimension open. */
type Shape = ReadonlyArray<number | null>;
type Config = Readonly<Record<string, unknown>>;
type LayerRule = (config: Config, input: Shape) => { params: number; output: Shape };

/** Deepest nesting a model topology may have (Keras topologies of nested models stay well below it). */
export const MAX_TOPOLOGY_DEPTH = 64;

/**
 * Parameter count of a tf.LayersModel topology (`modelTopology` of `model.toJSON()`), read from the
 * JSON alone: shapes are propagated layer by layer and nothing is allocated, so a topology too big to
 * build is refused before TF.js would try (issue 11 row 8). Sequential and functional models, nested
 * models, and the layer classes in {@link LAYER_RULES}; anything else is a typed 400.
 *
 * @example
 * countTopologyParams(model.toJSON(undefined, false)); // === model.countParams()
 */
export function countTopologyParams(topology: unknown): number {
  checkDepth(topology);
  return countModel(asConfig(topology, 'topology'), undefined).params;
}

function invalid(why: string): Error {
  return serverErrors.create('FEDERA_ERR_RUN_TOPOLOGY_INVALID', why);
}

/** Iterative, so a topology nested 200 000 deep is refused instead of overflowing the stack. */
function checkDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_TOPOLOGY_DEPTH) throw invalid(`nested deeper than ${MAX_TOPOLOGY_DEPTH} levels`);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
}

function asConfig(v: unknown, what: string): Config {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${what} must be an object`);
  return v as Config;
}

function int(config: Config, key: string, fallback?: number): number {
  const v = Object.hasOwn(config, key) ? config[key] : fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalid(`${key} must be an integer`);
  return v;
}

/** An integer or a list of them (kernel_size, strides, pool_size ...) as `n` integers. */
function ints(config: Config, key: string, n: number, fallback?: number): number[] {
  const v = Object.hasOwn(config, key) ? config[key] : fallback;
  const list = Array.isArray(v) ? v : Array.from({ length: n }, () => v);
  if (list.length !== n || !list.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x > 0))
    throw invalid(`${key} must be ${n} positive integers`);
  return list as number[];
}

function bool(config: Config, key: string, fallback: boolean): boolean {
  const v = Object.hasOwn(config, key) ? config[key] : fallback;
  return v !== false;
}

/** The known size of the feature (last) axis; a layer with weights needs it. */
function lastDim(input: Shape, layer: string): number {
  const d = input[input.length - 1];
  if (typeof d !== 'number') throw invalid(`${layer} needs a known last input dimension`);
  return d;
}

function shapeOf(v: unknown, what: string): Shape {
  if (!Array.isArray(v) || v.length === 0 || v.length > 8) throw invalid(`${what} must be a shape`);
  for (const d of v) {
    if (d !== null && !(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
      throw invalid(`${what} must hold integers or null`);
  }
  return v as Shape;
}

/** Spatial output size of a convolution or pooling window (Keras conv_utils.conv_output_length). */
function windowOut(
  n: number | null,
  k: number,
  stride: number,
  padding: unknown,
  dilation = 1,
): number | null {
  if (n === null) return null;
  const span = (k - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(n / stride) : Math.max(0, Math.ceil((n - span + 1) / stride));
}

/** Channels-last windowed layers: conv (params from the kernel), pooling (none). */
function windowed(
  rank: number,
  paramsOf: (c: Config, inChannels: number, kernel: number[]) => [number, number],
) {
  return (c: Config, input: Shape) => {
    if (input.length !== rank + 1)
      throw invalid(`expected a rank-${rank + 1} input, got [${input.join(',')}]`);
    if (c['data_format'] === 'channels_first') throw invalid('data_format channels_first is not supported');
    const isPool = paramsOf === pool;
    const kernel = ints(c, isPool ? 'pool_size' : 'kernel_size', rank, 2);
    // Pooling strides default to the pool size, convolution strides to 1.
    const hasStrides = Object.hasOwn(c, 'strides') && c['strides'] !== null;
    const strides = hasStrides ? ints(c, 'strides', rank) : isPool ? kernel : kernel.map(() => 1);
    const dilation = Object.hasOwn(c, 'dilation_rate') ? ints(c, 'dilation_rate', rank) : kernel.map(() => 1);
    const [params, outChannels] = paramsOf(c, lastDim(input, 'a windowed layer'), kernel);
    const spatial = kernel.map((k, i) => windowOut(input[i]!, k, strides[i]!, c['padding'], dilation[i]));
    return { params, output: [...spatial, outChannels] };
  };
}

const conv = (c: Config, inC: number, k: number[]): [number, number] => {
  const filters = int(c, 'filters');
  return [k.reduce((a, b) => a * b, 1) * inC * filters + (bool(c, 'use_bias', true) ? filters : 0), filters];
};
const pool = (_c: Config, inC: number): [number, number] => [0, inC];
const depthwise = (c: Config, inC: number, k: number[]): [number, number] => {
  const m = int(c, 'depth_multiplier', 1);
  return [k[0]! * k[1]! * inC * m + (bool(c, 'use_bias', true) ? inC * m : 0), inC * m];
};
const separable = (c: Config, inC: number, k: number[]): [number, number] => {
  const m = int(c, 'depth_multiplier', 1);
  const filters = int(c, 'filters');
  return [k[0]! * k[1]! * inC * m + inC * m * filters + (bool(c, 'use_bias', true) ? filters : 0), filters];
};

/** Recurrent layers: `gates` kernels of [in + units, units] plus biases (Keras SimpleRNN, GRU, LSTM). */
function recurrent(gates: number): LayerRule {
  return (c, input) => {
    if (input.length !== 2) throw invalid('a recurrent layer needs a [time, features] input');
    const units = int(c, 'units');
    const params =
      gates * (units * (lastDim(input, 'recurrent') + units) + (bool(c, 'use_bias', true) ? units : 0));
    return { params, output: c['return_sequences'] === true ? [input[0]!, units] : [units] };
  };
}

const same: LayerRule = (_c, input) => ({ params: 0, output: input });
const flat = (input: Shape): number | null =>
  input.every((d) => typeof d === 'number') ? (input as number[]).reduce((a, b) => a * b, 1) : null;

/** Normalization over the last axis: `perChannel` vectors of the channel count. */
function normalization(perChannel: (c: Config) => number): LayerRule {
  return (c, input) => {
    // Keras axes count the batch dimension: the last axis is -1 or input.length, alone or in a list.
    const raw = c['axis'];
    const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    if (axis !== undefined && axis !== -1 && axis !== input.length)
      throw invalid('normalization over an axis other than the last is not supported');
    return { params: perChannel(c) * lastDim(input, 'normalization'), output: input };
  };
}

/** Layer classes the count understands; a topology with another class is refused (400). */
const LAYER_RULES: ReadonlyMap<string, LayerRule> = new Map<string, LayerRule>([
  ['InputLayer', same],
  [
    'Dense',
    (c, input) => {
      const units = int(c, 'units');
      const params = lastDim(input, 'Dense') * units + (bool(c, 'use_bias', true) ? units : 0);
      return { params, output: [...input.slice(0, -1), units] };
    },
  ],
  ['Conv1D', windowed(1, conv)],
  ['Conv2D', windowed(2, conv)],
  [
    'DepthwiseConv2D',
    (c, input) => {
      // tfjs-layers 4.22's DepthwiseConv2D drops dilation_rate: clients would train another model.
      if (ints(c, 'dilation_rate', 2, 1).some((d) => d > 1))
        throw invalid(
          'DepthwiseConv2D with dilation_rate > 1 is not supported: TF.js ignores its dilation; use SeparableConv2D or Conv2D',
        );
      return windowed(2, depthwise)(c, input);
    },
  ],
  ['SeparableConv2D', windowed(2, separable)],
  ['MaxPooling1D', windowed(1, pool)],
  ['AveragePooling1D', windowed(1, pool)],
  ['MaxPooling2D', windowed(2, pool)],
  ['AveragePooling2D', windowed(2, pool)],
  ['GlobalAveragePooling1D', (_c, input) => ({ params: 0, output: input.slice(-1) })],
  ['GlobalMaxPooling1D', (_c, input) => ({ params: 0, output: input.slice(-1) })],
  ['GlobalAveragePooling2D', (_c, input) => ({ params: 0, output: input.slice(-1) })],
  ['GlobalMaxPooling2D', (_c, input) => ({ params: 0, output: input.slice(-1) })],
  ['Flatten', (_c, input) => ({ params: 0, output: [flat(input)] })],
  [
    'Reshape',
    (c, input) => {
      const target = shapeOf(c['target_shape'], 'target_shape').map((d) => (d === -1 ? null : d));
      const known = flat(target.filter((d) => d !== null));
      const total = flat(input);
      const output = target.map((d) => (d === null && total !== null && known ? total / known : d));
      return { params: 0, output };
    },
  ],
  [
    'Embedding',
    (c, input) => ({
      params: int(c, 'input_dim') * int(c, 'output_dim'),
      output: [...input, int(c, 'output_dim')],
    }),
  ],
  ['SimpleRNN', recurrent(1)],
  ['GRU', recurrent(3)],
  ['LSTM', recurrent(4)],
  [
    'BatchNormalization',
    normalization((c) => 2 + (bool(c, 'center', true) ? 1 : 0) + (bool(c, 'scale', true) ? 1 : 0)),
  ],
  [
    'LayerNormalization',
    normalization((c) => (bool(c, 'center', true) ? 1 : 0) + (bool(c, 'scale', true) ? 1 : 0)),
  ],
  ...['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Activation'].map(
    (name) => [name, same] as [string, LayerRule],
  ),
  ...['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Masking'].map(
    (name) => [name, name === 'PReLU' ? prelu : same] as [string, LayerRule],
  ),
]);

function prelu(_c: Config, input: Shape): { params: number; output: Shape } {
  const n = flat(input);
  if (n === null) throw invalid('PReLU needs a fully known input shape');
  return { params: n, output: input };
}

/** Merge layers of functional models: element-wise ones keep the shape, Concatenate joins an axis. */
const MERGE_LAYERS = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);

function merge(className: string, c: Config, inputs: Shape[]): Shape {
  const first = inputs[0]!;
  if (className !== 'Concatenate') return first;
  const axis = typeof c['axis'] === 'number' ? (c['axis'] as number) : -1;
  const i = axis < 0 ? first.length + axis : axis - 1;
  const joined = inputs.reduce<number | null>(
    (sum, s) => (sum === null || s[i] == null ? null : sum + s[i]!),
    0,
  );
  return first.map((d, j) => (j === i ? joined : d));
}

/** A model (Sequential, or functional Model/Functional) as a layer: its parameters and output shape. */
function countModel(topology: Config, input: Shape | undefined): { params: number; output: Shape } {
  const className = topology['class_name'];
  const config = topology['config'];
  if (className === 'Sequential') {
    const layers = Array.isArray(config) ? config : asConfig(config, 'config')['layers'];
    if (!Array.isArray(layers) || layers.length === 0) throw invalid('a Sequential model needs layers');
    return countSequential(layers, input);
  }
  if (className === 'Model' || className === 'Functional') return countFunctional(asConfig(config, 'config'));
  throw invalid(`class_name must be Sequential, Model or Functional, got ${JSON.stringify(className)}`);
}

function declaredInput(c: Config): Shape | undefined {
  const batch = c['batch_input_shape'];
  return batch === undefined || batch === null ? undefined : shapeOf(batch, 'batch_input_shape').slice(1);
}

function countSequential(layers: unknown[], input: Shape | undefined): { params: number; output: Shape } {
  let shape = input;
  let params = 0;
  for (const raw of layers) {
    const layer = asConfig(raw, 'layer');
    const c = asConfig(layer['config'] ?? {}, 'layer config');
    shape ??= declaredInput(c);
    const out = countLayer(layer, shape);
    params += out.params;
    shape = out.output;
  }
  return { params, output: shape! };
}

function countLayer(layer: Config, input: Shape | undefined): { params: number; output: Shape } {
  const className = layer['class_name'];
  if (className === 'Sequential' || className === 'Model' || className === 'Functional')
    return countModel(layer, input);
  if (input === undefined) throw invalid('the first layer must declare batch_input_shape');
  const rule = typeof className === 'string' ? LAYER_RULES.get(className) : undefined;
  if (!rule) throw invalid(`layer class ${JSON.stringify(className)} is not supported`);
  return rule(asConfig(layer['config'] ?? {}, 'layer config'), input);
}

/** Functional models list layers in topological order; each names its inbound layers. */
function countFunctional(config: Config): { params: number; output: Shape } {
  const layers = config['layers'];
  if (!Array.isArray(layers) || layers.length === 0) throw invalid('a functional model needs layers');
  const outputs = new Map<string, Shape>();
  let params = 0;
  let last: Shape | undefined;
  for (const raw of layers) {
    const layer = asConfig(raw, 'layer');
    const name = layer['name'];
    const className = String(layer['class_name']);
    const c = asConfig(layer['config'] ?? {}, 'layer config');
    if (typeof name !== 'string') throw invalid('every layer of a functional model needs a name');
    const inbound = inboundNames(layer['inbound_nodes']);
    const inputs = inbound.map((n) => outputs.get(n) ?? missing(n));
    let out: { params: number; output: Shape };
    if (inputs.length === 0) {
      const declared = declaredInput(c);
      if (!declared) throw invalid(`layer ${name} has no inputs and no batch_input_shape`);
      out = countLayer(layer, declared);
    } else if (MERGE_LAYERS.has(className)) out = { params: 0, output: merge(className, c, inputs) };
    else out = countLayer(layer, inputs[0]!);
    params += out.params;
    outputs.set(name, out.output);
    last = out.output;
  }
  return { params, output: last! };
}

function missing(name: string): never {
  throw invalid(`inbound layer ${name} is not defined before use`);
}

/** Names of the layers feeding a layer's first node: `[[["name", 0, 0, {}], ...]]`. */
function inboundNames(nodes: unknown): string[] {
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes) || nodes.length !== 1 || !Array.isArray(nodes[0]))
    throw invalid('inbound_nodes must hold one node (shared layers are not supported)');
  return (nodes[0] as unknown[]).map((entry) => {
    const name = Array.isArray(entry) ? entry[0] : undefined;
    if (typeof name !== 'string') throw invalid('inbound_nodes entries must start with a layer name');
    return name;
  });
}
