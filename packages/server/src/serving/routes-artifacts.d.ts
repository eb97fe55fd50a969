import type { FastifyInstance } from 'fastify';
import { type ServingContext } from './context.js';
/**
 * TF.js layers-model artifacts, loadable unmodified with
 * `tf.loadLayersModel(url)` in Node or a browser. Versioned files are
 * immutable (long-lived Cache-Control, ETag = weights hash); a label URL
 * redirects to its version's model.json. Shard paths in the manifest are
 * written as `../../versions/<v>/…`, which resolves to the same version
 * whether the loader fetched model.json via the label or the version URL
 * (tf.io.http resolves shards against the URL it was given, not the redirect).
 */
export declare function artifactRoutes(app: FastifyInstance, ctx: ServingContext): void;
