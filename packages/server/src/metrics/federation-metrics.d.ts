import { type Registry } from 'prom-client';
import type { FederationEvents } from '../events.js';
/**
 * The federation's own metrics, fed from the coordinator's event bus.
 * Returns a detach function that removes the listeners.
 *
 * @example
 * const detach = attachFederationMetrics(events, registry);
 */
export declare function attachFederationMetrics(events: FederationEvents, registry: Registry): () => void;
