// The wire is little-endian (tensor.proto); typed arrays use host order, so big-endian hosts go via DataView.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `values` as little-endian float32 bytes (byte-exact, NaN payloads included). On a little-endian host
 * (every one TF.js runs on) this is a view of `values`, not a copy: its callers encode or hash the
 * bytes at once, and an 800 KB copy per update and per hash is garbage that makes V8 collect
 * (external memory pressure) and then re-optimize (docs/training.md).
 */
export function float32ToLeBytes(values: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i]!, true);
  return out;
}

/**
 * Little-endian float32 bytes -> a fresh, 4-byte-aligned Float32Array. Always copies: `bytes` may sit at
 * an odd offset inside a received frame, where a Float32Array view would throw or alias the frame.
 */
export function leBytesToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength >>> 2);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
    return out;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}
