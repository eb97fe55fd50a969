/** Typings for golden-frames.mjs, so the golden test can import it. */
export declare const testdataDir: string;
export declare function descriptorSet(): Uint8Array;
export declare function renderGoldens(
  frames: Array<{ name: string; bytes: Uint8Array }>,
): Map<string, Buffer | string>;
