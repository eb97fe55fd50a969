/** Typings for golden-frames.mjs, so the golden test can import it. */
export declare const testdataDir: string;
export declare function descriptorSet(): Uint8Array;
export declare function renderGoldens(
  frames: Array<{ name: string; bytes: Uint8Array }>,
  streams: Array<{ payload: string; chunks: string[] }>,
): Map<string, Buffer | string>;
