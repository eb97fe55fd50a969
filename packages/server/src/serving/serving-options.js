export const DEFAULT_BATCHING = { maxBatchSize: 32, maxQueueDelayMs: 0, maxQueueRows: 1024 };
export const SERVING_DEFAULTS = {
    maxLoadedVersions: 4,
    maxBodyBytes: 8 * 1024 * 1024,
    preload: true,
    chunkRows: 256,
    driftWindow: 10_000,
    roles: {
        infer: ['inference'],
        read: ['inference', 'viewer', 'researcher'],
        write: ['researcher'],
    },
};
/** Effective batching options: `false` means batch size 1 (each request predicted alone). */
export function batchingFrom(option) {
    if (option === false)
        return { ...DEFAULT_BATCHING, maxBatchSize: 1, maxQueueDelayMs: 0 };
    return { ...DEFAULT_BATCHING, ...option };
}
//# sourceMappingURL=serving-options.js.map