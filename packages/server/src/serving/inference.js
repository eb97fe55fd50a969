import { resolveTarget, shadowTarget } from './traffic-router.js';
/** Index of the largest value of each row. */
function argmaxRows(values, rows, size) {
    const out = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let i = 1; i < size; i++)
            if (values[r * size + i] > values[r * size + best])
                best = i;
        out[r] = best;
    }
    return out;
}
/**
 * One inference: route, hold the version, validate against its signature,
 * predict through its batcher, feed drift, and mirror to a shadow. Shadow work
 * starts after the primary answered and its failures are only counted.
 *
 * @example
 * const p = await inference.predict('mnist', {}, header, (sig) => parseInstances(body.instances, sig));
 */
export class InferenceService {
    registry;
    cache;
    drift;
    metrics;
    /** Shadow predictions still running (tests and shutdown wait on them). */
    pendingShadows = new Set();
    constructor(registry, cache, drift, metrics) {
        this.registry = registry;
        this.cache = cache;
        this.drift = drift;
        this.metrics = metrics;
    }
    async predict(model, selector, header, parse, onTarget = () => { }) {
        const target = await resolveTarget(this.registry, model, selector, header);
        onTarget(target);
        const { input, prediction } = await this.cache.use(model, target.version, async (loaded) => {
            const input = parse(loaded.signature);
            const output = await loaded.predict(input.data, input.rows);
            return { input, prediction: { target, signature: loaded.signature, output, rows: input.rows } };
        });
        this.drift.observe(model, input.data, prediction.signature.inputSize);
        await this.mirror(prediction, input);
        return prediction;
    }
    /** Resolves when every shadow prediction started so far has finished. */
    async settled() {
        while (this.pendingShadows.size > 0)
            await Promise.allSettled([...this.pendingShadows]);
    }
    /** Decide now (the policy in force for this request), compare later. */
    async mirror(primary, input) {
        const { model } = primary.target;
        const primaryVersion = String(primary.target.version);
        let shadow;
        try {
            shadow = await shadowTarget(this.registry, model);
        }
        catch {
            this.metrics.observeShadowError(model, primaryVersion, 'unresolved');
            return;
        }
        if (!shadow)
            return;
        const shadowVersion = shadow.version;
        const run = async () => {
            try {
                const out = await this.cache.use(model, shadowVersion, (m) => m.predict(input.data, input.rows));
                const size = primary.signature.outputSize;
                const a = argmaxRows(primary.output, primary.rows, size);
                const b = argmaxRows(out, primary.rows, size);
                let agree = 0;
                for (let r = 0; r < a.length; r++)
                    if (a[r] === b[r])
                        agree++;
                this.metrics.observeShadow(model, primaryVersion, String(shadowVersion), primary.rows, agree);
            }
            catch {
                this.metrics.observeShadowError(model, primaryVersion, String(shadowVersion));
            }
        };
        // Started on the next macrotask, so the primary response is already on its way.
        const task = new Promise((resolve) => setImmediate(() => run().then(resolve, resolve)));
        this.pendingShadows.add(task);
        void task.then(() => this.pendingShadows.delete(task));
    }
}
//# sourceMappingURL=inference.js.map