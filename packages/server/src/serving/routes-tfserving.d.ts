import type { FastifyInstance } from 'fastify';
import { type ServingContext } from './context.js';
/**
 * TensorFlow Serving REST API (tensorflow.org/tfx/serving/api_rest): `:predict`
 * in row (`instances`) and columnar (`inputs`) formats, by model, version or
 * label, plus model status.
 */
export declare function tfServingRoutes(app: FastifyInstance, ctx: ServingContext): void;
