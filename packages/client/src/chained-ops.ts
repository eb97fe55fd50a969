import * as core from '@tensorflow/tfjs-core';

// The chained-op methods of `@tensorflow/tfjs` (`t.flatten()`, `t.neg()`), which tfjs-layers calls
// internally: the orthogonal initializer of every SimpleRNN/LSTM/GRU does. tfjs-core's own
// `register_all_chained_ops` module cannot be imported from Node (extensionless ESM paths), so they
// are defined here the same way: each forwards to the op of the same name with the tensor first.
const SAME_NAME =
  'abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh batchNorm batchToSpaceND ' +
  'broadcastTo cast ceil clipByValue concat conv1d conv2d cos cosh cumprod cumsum depthToSpace div ' +
  'divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv gather greater ' +
  'greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual log log1p logSigmoid ' +
  'logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maximum mean min ' +
  'minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal ' +
  'relu relu6 reshape reverse rfft round rsqrt selu sigmoid sign sin sinh slice softmax softplus ' +
  'spaceToBatchND split sqrt square squaredDifference squeeze stack step stridedSlice sub sum tan ' +
  'tanh tile topk transpose unique unstack where zerosLike';

type Method = (this: core.Tensor, ...args: unknown[]) => unknown;
const SPECIAL: Record<string, Method> = {
  asScalar() {
    return core.reshape(this, []);
  },
  as1D() {
    return core.reshape(this, [this.size]);
  },
  flatten() {
    return core.reshape(this, [this.size]);
  },
  as2D(rows, columns) {
    return core.reshape(this, [rows as number, columns as number]);
  },
  as3D(a, b, c) {
    return core.reshape(this, [a as number, b as number, c as number]);
  },
  as4D(a, b, c, d) {
    return core.reshape(this, [a as number, b as number, c as number, d as number]);
  },
  as5D(a, b, c, d, e) {
    return core.reshape(this, [a as number, b as number, c as number, d as number, e as number]);
  },
  reshapeAs(other) {
    return core.reshape(this, (other as core.Tensor).shape);
  },
  asType(dtype) {
    return core.cast(this, dtype as core.DataType);
  },
  toBool() {
    return core.cast(this, 'bool');
  },
  toFloat() {
    return core.cast(this, 'float32');
  },
  toInt() {
    return core.cast(this, 'int32');
  },
};

/** Define the chained-op methods a Tensor lacks (none when `@tensorflow/tfjs` already did). */
export function registerChainedOps(): void {
  const proto = core.Tensor.prototype as unknown as Record<string, Method>;
  const ops = core as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of SAME_NAME.split(' ')) {
    const op = ops[name];
    if (name in proto || typeof op !== 'function') continue;
    proto[name] = function (this: core.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
  }
  for (const [name, method] of Object.entries(SPECIAL)) {
    if (name in proto) continue;
    proto[name] = function (this: core.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  }
}
