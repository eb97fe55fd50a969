import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ServingContext } from './context.js';
/**
 * Open Inference Protocol / KServe V2 REST (kserve.github.io/website, "V2 protocol"):
 * health, model metadata and readiness, and `infer` with typed FP32 tensors.
 */
export declare function oipRoutes(app: FastifyInstance, ctx: ServingContext): void;
/** First value of a request header, lower-case name. */
export declare function headerValue(request: FastifyRequest, name: string): string | undefined;
