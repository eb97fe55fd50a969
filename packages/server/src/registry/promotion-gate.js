/** Pure decision: does `candidate` beat `current` under the gate's rule? */
export function beatsCurrent(options, candidate, current) {
    const value = candidate.metrics[options.metric];
    if (value === undefined || !Number.isFinite(value))
        return { promote: false, reason: `no ${options.metric}` };
    const base = current?.metrics[options.metric];
    if (current === undefined || base === undefined)
        return { promote: true, reason: 'no current value to beat' };
    const gain = options.direction === 'min' ? base - value : value - base;
    const margin = options.margin ?? 0;
    return gain > margin
        ? { promote: true, reason: `${options.metric} improved by ${gain}` }
        : { promote: false, reason: `${options.metric} gain ${gain} not above margin ${margin}` };
}
/**
 * Promotion gate (continuous delivery of federated models): on every
 * 'round-committed', compare the new version's metric with the labelled one
 * and promote when it wins. Returns a detach function.
 *
 * @example
 * attachPromotionGate(events, registry, { metric: 'eval_accuracy', margin: 0.005 }, (d) => log.info(d));
 */
export function attachPromotionGate(events, registry, options, onDecision = () => { }) {
    const label = options.label ?? 'stable';
    const listener = ({ version }) => {
        if (options.models && !options.models.includes(version.runId))
            return;
        void evaluate(version).then(onDecision, (err) => onDecision({ model: version.runId, version: version.version, promoted: false, reason: String(err) }));
    };
    const evaluate = async (candidate) => {
        const model = candidate.runId;
        registry.invalidate(model);
        const record = await registry.label(model, label);
        const current = record ? await registry.version(model, record.version) : undefined;
        const { promote, reason } = beatsCurrent(options, candidate, current);
        if (promote)
            await registry.setLabel(model, label, candidate.version, 'gate', 'promotion-gate');
        return { model, version: candidate.version, promoted: promote, reason };
    };
    events.on('round-committed', listener);
    return () => events.off('round-committed', listener);
}
//# sourceMappingURL=promotion-gate.js.map