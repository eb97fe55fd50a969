import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
/** Label values of one inference request. */
export interface RequestLabels {
    route: string;
    model: string;
    version: string;
    variant: string;
    status: string;
}
/**
 * Metrics of the serving plane, all registered on one per-server prom-client
 * Registry (never the global one, so several servers share a process).
 *
 * @example
 * const metrics = new ServingMetrics(new Registry());
 * metrics.observeRequest({ route: 'oip', model: 'mnist', version: '3', variant: 'stable', status: '200' }, 0.004);
 */
export declare class ServingMetrics {
    readonly registry: Registry;
    readonly requests: Counter<keyof RequestLabels>;
    readonly latency: Histogram<'route' | 'model' | 'variant'>;
    readonly batchSize: Histogram<'model' | 'version'>;
    readonly queueDepth: Gauge<'model' | 'version'>;
    readonly shadowComparisons: Counter<'model' | 'primary' | 'shadow' | 'result'>;
    readonly shadowAgreement: Gauge<'model' | 'shadow'>;
    readonly loadedModels: Gauge;
    readonly drift: Gauge<'model'>;
    readonly labelMoves: Counter<'model' | 'label' | 'reason'>;
    /** Read at scrape time to refresh the drift gauge. */
    driftSource: (() => Iterable<[model: string, score: number]>) | undefined;
    private readonly agreement;
    constructor(registry: Registry);
    observeRequest(labels: RequestLabels, seconds: number): void;
    /** Record one shadow comparison of `rows` rows, `agreeing` of which matched. */
    observeShadow(model: string, primary: string, shadow: string, rows: number, agreeing: number): void;
    observeShadowError(model: string, primary: string, shadow: string): void;
}
