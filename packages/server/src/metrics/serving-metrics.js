import { Counter, Gauge, Histogram } from 'prom-client';
/**
 * Metrics of the serving plane, all registered on one per-server prom-client
 * Registry (never the global one, so several servers share a process).
 *
 * @example
 * const metrics = new ServingMetrics(new Registry());
 * metrics.observeRequest({ route: 'oip', model: 'mnist', version: '3', variant: 'stable', status: '200' }, 0.004);
 */
export class ServingMetrics {
    registry;
    requests;
    latency;
    batchSize;
    queueDepth;
    shadowComparisons;
    shadowAgreement;
    loadedModels;
    drift;
    labelMoves;
    /** Read at scrape time to refresh the drift gauge. */
    driftSource;
    agreement = new Map();
    constructor(registry) {
        this.registry = registry;
        const registers = [registry];
        this.requests = new Counter({
            name: 'federa_serving_requests_total',
            help: 'Inference requests by route, model, version, variant and HTTP status.',
            labelNames: ['route', 'model', 'version', 'variant', 'status'],
            registers,
        });
        this.latency = new Histogram({
            name: 'federa_serving_request_duration_seconds',
            help: 'Inference request latency from routing to response.',
            labelNames: ['route', 'model', 'variant'],
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            registers,
        });
        this.batchSize = new Histogram({
            name: 'federa_serving_batch_size',
            help: 'Rows per executed inference batch (dynamic batching).',
            labelNames: ['model', 'version'],
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
            registers,
        });
        this.queueDepth = new Gauge({
            name: 'federa_serving_queue_depth',
            help: 'Rows waiting in the inference queue.',
            labelNames: ['model', 'version'],
            registers,
        });
        this.shadowComparisons = new Counter({
            name: 'federa_serving_shadow_comparisons_total',
            help: 'Shadow predictions compared with the primary: agree, disagree (argmax differs) or error.',
            labelNames: ['model', 'primary', 'shadow', 'result'],
            registers,
        });
        this.shadowAgreement = new Gauge({
            name: 'federa_serving_shadow_agreement_ratio',
            help: 'Fraction of compared shadow rows whose argmax equals the primary answer.',
            labelNames: ['model', 'shadow'],
            registers,
        });
        this.loadedModels = new Gauge({
            name: 'federa_serving_loaded_versions',
            help: 'Model versions currently loaded in memory.',
            registers,
        });
        const metrics = this;
        this.drift = new Gauge({
            name: 'federa_serving_input_drift_psi',
            help: 'Largest per-feature population stability index of live inputs against training stats.',
            labelNames: ['model'],
            registers,
            collect() {
                for (const [model, score] of metrics.driftSource?.() ?? [])
                    this.set({ model }, score);
            },
        });
        this.labelMoves = new Counter({
            name: 'federa_registry_label_moves_total',
            help: 'Registry label moves by reason (promote, rollback, gate).',
            labelNames: ['model', 'label', 'reason'],
            registers,
        });
    }
    observeRequest(labels, seconds) {
        this.requests.inc({ ...labels });
        this.latency.observe({ route: labels.route, model: labels.model, variant: labels.variant }, seconds);
    }
    /** Record one shadow comparison of `rows` rows, `agreeing` of which matched. */
    observeShadow(model, primary, shadow, rows, agreeing) {
        this.shadowComparisons.inc({ model, primary, shadow, result: 'agree' }, agreeing);
        if (rows > agreeing)
            this.shadowComparisons.inc({ model, primary, shadow, result: 'disagree' }, rows - agreeing);
        const key = `${model}\u0000${shadow}`;
        const a = this.agreement.get(key) ?? { agree: 0, total: 0 };
        a.agree += agreeing;
        a.total += rows;
        this.agreement.set(key, a);
        this.shadowAgreement.set({ model, shadow }, a.agree / a.total);
    }
    observeShadowError(model, primary, shadow) {
        this.shadowComparisons.inc({ model, primary, shadow, result: 'error' });
    }
}
//# sourceMappingURL=serving-metrics.js.map