import { Counter, Gauge, Histogram } from 'prom-client';
/**
 * The federation's own metrics, fed from the coordinator's event bus.
 * Returns a detach function that removes the listeners.
 *
 * @example
 * const detach = attachFederationMetrics(events, registry);
 */
export function attachFederationMetrics(events, registry) {
    const registers = [registry];
    const committed = new Counter({
        name: 'federa_rounds_committed_total',
        help: 'Training rounds committed.',
        labelNames: ['run'],
        registers,
    });
    const failed = new Counter({
        name: 'federa_rounds_failed_total',
        help: 'Training round attempts that failed, by error code.',
        labelNames: ['run', 'code'],
        registers,
    });
    const duration = new Histogram({
        name: 'federa_round_duration_seconds',
        help: 'Wall time of committed rounds.',
        labelNames: ['run'],
        buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
        registers,
    });
    const connected = new Gauge({
        name: 'federa_clients_connected',
        help: 'Training clients currently connected.',
        registers,
    });
    const accepted = new Counter({
        name: 'federa_updates_accepted_total',
        help: 'Client updates accepted into a round.',
        labelNames: ['run'],
        registers,
    });
    const rejected = new Counter({
        name: 'federa_updates_rejected_total',
        help: 'Client updates rejected, by error code.',
        labelNames: ['code'],
        registers,
    });
    const listeners = {
        'round-committed': ({ round, durationMs }) => {
            committed.inc({ run: round.runId });
            duration.observe({ run: round.runId }, durationMs / 1000);
        },
        'round-failed': ({ runId, code }) => failed.inc({ run: runId, code }),
        'client-connected': () => connected.inc(),
        'client-disconnected': () => connected.dec(),
        'update-accepted': ({ runId }) => accepted.inc({ run: runId }),
        'update-rejected': ({ code }) => rejected.inc({ code }),
    };
    for (const [name, fn] of Object.entries(listeners))
        events.on(name, fn);
    return () => {
        for (const [name, fn] of Object.entries(listeners))
            events.off(name, fn);
    };
}
//# sourceMappingURL=federation-metrics.js.map