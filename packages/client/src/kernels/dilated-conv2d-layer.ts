// Type only: at run time the class comes from tfjs-layers' own registry, never a second copy.
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional.js';
import * as tf from '../tf.js';

type Pair = [number, number];

let installed = false;

/**
 * Make a deserialized tfjs-layers `Conv2D` with `dilationRate` > 1 differentiable: register, under
 * the class name `Conv2D`, a subclass whose dilated forward pass is `tf.conv2d` + bias + activation.
 * tfjs-layers runs a Conv2D as `tf.fused.conv2d`, whose gradient is a closure that refuses dilation
 * and that no gradient registration reaches; `tf.conv2d` records a `Conv2D` kernel, whose gradient
 * `registerDilatedConvGradients` supplies. Undilated layers run tfjs-layers' own `call`. Affects
 * models built from JSON (`tf.models.modelFromJSON`, as `trainLocally` does) after the call, not
 * layers made with `tf.layers.conv2d`. `registerWasmTrainingKernels` calls it. Idempotent.
 */
export function registerDilatedConv2DLayer(): void {
  if (installed) return;
  installed = true;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
  if (!entry) return;
  const Base = entry[0] as unknown as typeof Conv2D;
  class DilatedConv2D extends Base {
    static override className = Base.className;

    override call(
      inputs: tf.Tensor | tf.Tensor[],
      kwargs: Parameters<Conv2D['call']>[1],
    ): tf.Tensor | tf.Tensor[] {
      const [dh = 1, dw = 1] = this.dilationRate;
      if (dh === 1 && dw === 1) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        if (Array.isArray(inputs) && inputs.length !== 1) {
          throw new Error(`Conv2D expects one input tensor; got ${inputs.length}`);
        }
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
        const channelsFirst = this.dataFormat === 'channelsFirst';
        const pad = this.padding === 'same' ? 'same' : 'valid';
        const kernel = this.kernel.read() as tf.Tensor4D;
        const nhwc = channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x;
        let y: tf.Tensor = tf.conv2d(nhwc, kernel, this.strides as Pair, pad, 'NHWC', [dh, dw]);
        if (this.useBias && this.bias) y = tf.add(y, this.bias.read());
        if (channelsFirst) y = tf.transpose(y, [0, 3, 1, 2]);
        return this.activation ? this.activation.apply(y) : y;
      });
    }
  }
  tf.serialization.registerClass(DilatedConv2D);
}
