import type { FastifyInstance } from 'fastify';
import { type ServingContext } from '../serving/context.js';
/**
 * Registry REST: versions, labels (promote, rollback, delete), traffic
 * policies and training statistics for drift. Moves need `researcher`.
 */
export declare function registryRoutes(app: FastifyInstance, ctx: ServingContext): void;
