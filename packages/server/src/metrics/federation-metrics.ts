import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FederationEvents } from '../events.js';

/**
 * The federation's own metrics, fed from the coordinator's event bus.
 * Returns a detach function that removes the listeners.
 *
 * @example
 * const detach = attachFederationMetrics(events, registry);
 */
export function attachFederationMetrics(events: FederationEvents, registry: Registry): () => void {
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
    'round-committed': ({ round, durationMs }: { round: { runId: string }; durationMs: number }) => {
      committed.inc({ run: round.runId });
      duration.observe({ run: round.runId }, durationMs / 1000);
    },
    'round-failed': ({ runId, code }: { runId: string; code: string }) => failed.inc({ run: runId, code }),
    'client-connected': () => connected.inc(),
    'client-disconnected': () => connected.dec(),
    'update-accepted': ({ runId }: { runId: string }) => accepted.inc({ run: runId }),
    'update-rejected': ({ code }: { code: string }) => rejected.inc({ code }),
  } as const;
  for (const [name, fn] of Object.entries(listeners)) events.on(name as never, fn as never);
  return () => {
    for (const [name, fn] of Object.entries(listeners)) events.off(name as never, fn as never);
  };
}
