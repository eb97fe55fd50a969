import { EventEmitter } from 'node:events';
import { servingErrors } from '../serving/errors.js';
import { LABEL_PATTERN, VIRTUAL_LATEST, } from './registry-types.js';
import { validatePolicy } from './traffic-policy.js';
/**
 * Model registry: immutable versions from the store plus movable labels and
 * traffic policies persisted in their own sublevels. Writes per model are
 * serialized; reads come from a write-through memory cache, so routing costs
 * no I/O per request.
 *
 * @example
 * const registry = new ModelRegistry(store, { beforeMove: (m, v) => cache.warm(m, v) });
 * await registry.setLabel('mnist', 'stable', 4, 'promote');
 * await registry.rollback('mnist', 'stable'); // back to the previous target
 */
export class ModelRegistry extends EventEmitter {
    store;
    labelDb;
    policyDb;
    labelCache = new Map();
    policyCache = new Map();
    runCache = new Map();
    locks = new Map();
    beforeMove;
    constructor(store, options = {}) {
        super();
        this.store = store;
        this.labelDb = store.db.sublevel('registry-labels', {
            valueEncoding: 'json',
        });
        this.policyDb = store.db.sublevel('registry-policies', {
            valueEncoding: 'json',
        });
        this.beforeMove = options.beforeMove;
    }
    setBeforeMove(hook) {
        this.beforeMove = hook;
    }
    /** The run behind a served model; throws FEDERA_ERR_SERVING_MODEL_NOT_FOUND. */
    async run(model) {
        const cached = this.runCache.get(model);
        if (cached)
            return cached;
        const run = await this.store.getRun(model);
        if (!run)
            throw servingErrors.create('FEDERA_ERR_SERVING_MODEL_NOT_FOUND', model);
        this.runCache.set(model, run);
        return run;
    }
    /** Replace the cached run record (the coordinator updated it). */
    updateRun(run) {
        this.runCache.set(run.settings.id, run);
    }
    /** Forget cached run records (after out-of-band store writes). */
    invalidate(model) {
        if (model === undefined)
            this.runCache.clear();
        else
            this.runCache.delete(model);
    }
    async models() {
        return (await this.store.listRuns()).map((r) => r.settings.id);
    }
    async versions(model) {
        await this.run(model);
        return this.store.listVersions(model);
    }
    async version(model, version) {
        await this.run(model);
        const record = await this.store.getVersion(model, version);
        if (!record)
            throw servingErrors.create('FEDERA_ERR_SERVING_VERSION_NOT_FOUND', `${model} v${version}`);
        return record;
    }
    /** A version's weights, hash-verified by the store. */
    async weights(model, version, specs) {
        await this.version(model, version);
        return this.store.getWeights(model, version, specs);
    }
    async labels(model) {
        return [...(await this.labelMap(model)).values()];
    }
    async label(model, label) {
        return (await this.labelMap(model)).get(label);
    }
    /** Version a label points at. `latest` is the newest version; an unset `stable` falls back to it. */
    async resolve(model, label) {
        const run = await this.run(model);
        const record = (await this.labelMap(model)).get(label);
        if (record)
            return record.version;
        if (label === VIRTUAL_LATEST || label === 'stable')
            return run.currentVersion;
        throw servingErrors.create('FEDERA_ERR_SERVING_LABEL_NOT_FOUND', `${model}@${label}`);
    }
    /** Move (or create) a label. The target is warmed through `beforeMove` first. */
    setLabel(model, label, version, reason, by) {
        assertLabel(label);
        return this.serialized(model, async () => {
            await this.version(model, version);
            const current = (await this.labelMap(model)).get(label);
            if (current?.version === version)
                return current;
            await this.beforeMove?.(model, version);
            const previous = current ? [...current.previous, current.version] : [];
            return this.write(model, label, version, previous, current, reason, by);
        });
    }
    /** Move a label back to its previous target (one call); the history keeps both moves. */
    rollback(model, label, by) {
        return this.serialized(model, async () => {
            const current = (await this.labelMap(model)).get(label);
            if (!current)
                throw servingErrors.create('FEDERA_ERR_SERVING_LABEL_NOT_FOUND', `${model}@${label}`);
            const target = current.previous.at(-1);
            if (target === undefined)
                throw servingErrors.create('FEDERA_ERR_SERVING_NO_HISTORY', `${model}@${label}`);
            await this.beforeMove?.(model, target);
            return this.write(model, label, target, current.previous.slice(0, -1), current, 'rollback', by);
        });
    }
    deleteLabel(model, label) {
        return this.serialized(model, async () => {
            const labels = await this.labelMap(model);
            if (!labels.has(label))
                throw servingErrors.create('FEDERA_ERR_SERVING_LABEL_NOT_FOUND', `${model}@${label}`);
            await this.labelDb.del(`${model}!${label}`);
            labels.delete(label);
        });
    }
    async policy(model) {
        await this.run(model);
        const cached = this.policyCache.get(model);
        if (cached)
            return cached;
        const policy = (await this.policyDb.get(model)) ?? {};
        this.policyCache.set(model, policy);
        return policy;
    }
    /** Replace a model's traffic policy. Labels it names must exist, and are warmed. */
    setPolicy(model, policy) {
        validatePolicy(policy);
        return this.serialized(model, async () => {
            const labels = [policy.canary?.label, ...(policy.abTest?.variants.map((v) => v.label) ?? [])];
            for (const label of labels)
                if (label !== undefined)
                    await this.beforeMove?.(model, await this.resolve(model, label));
            await this.policyDb.put(model, policy);
            this.policyCache.set(model, policy);
            this.emit('policy-changed', model, policy);
            return policy;
        });
    }
    async write(model, label, version, previous, current, reason, by) {
        const at = Date.now();
        const move = { version, from: current?.version, at, reason, ...(by === undefined ? {} : { by }) };
        const record = {
            model,
            label,
            version,
            updatedAt: at,
            previous,
            history: [...(current?.history ?? []), move],
        };
        await this.labelDb.put(`${model}!${label}`, record);
        (await this.labelMap(model)).set(label, record);
        this.emit('label-moved', record, reason);
        return record;
    }
    async labelMap(model) {
        await this.run(model);
        let labels = this.labelCache.get(model);
        if (!labels) {
            const records = await this.labelDb.values({ gt: `${model}!`, lt: `${model}!~` }).all();
            labels = this.labelCache.get(model) ?? new Map(records.map((r) => [r.label, r]));
            this.labelCache.set(model, labels);
        }
        return labels;
    }
    serialized(model, task) {
        const prior = this.locks.get(model) ?? Promise.resolve();
        const next = prior.then(task);
        this.locks.set(model, next.catch(() => { }));
        return next;
    }
}
function assertLabel(label) {
    if (!LABEL_PATTERN.test(label) || label === VIRTUAL_LATEST) {
        throw servingErrors.create('FEDERA_ERR_SERVING_LABEL_INVALID', label);
    }
}
//# sourceMappingURL=model-registry.js.map