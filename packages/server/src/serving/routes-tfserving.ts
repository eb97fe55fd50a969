import type { TabularEncoder } from '@federa/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorReply } from '../rest/error-handler.js';
import {
  type ServingContext,
  type ServingRequestInfo,
  labelParam,
  modelParam,
  selectorOf,
  versionParam,
} from './context.js';
import { headerValue } from './routes-oip.js';
import { encodeCsv, encodeRawColumns, encodeRawRows, isRawRow, transformFor } from './raw-rows.js';
import type { ModelSignature } from './signature.js';
import { type InputBatch, nestRows, parseColumnar, parseInstances } from './tensor-input.js';

type Params = { m: string; v?: string; l?: string };
interface PredictBody {
  signature_name?: string;
  instances?: unknown[];
  inputs?: unknown;
}

const predictBody = {
  anyOf: [
    {
      type: 'object',
      properties: {
        signature_name: { type: 'string', maxLength: 128 },
        instances: { type: 'array', minItems: 1 },
        inputs: { anyOf: [{ type: 'array', minItems: 1 }, { type: 'object' }] },
      },
      oneOf: [{ required: ['instances'] }, { required: ['inputs'] }],
    },
    // text/csv: raw rows with a header, for a model whose run has a tabular transform.
    { type: 'string' },
  ],
} as const;

/**
 * The batch of a `:predict` body: encoded tensors as TF Serving defines them, or raw rows (objects
 * by column name, columns by name, or CSV) encoded with the model's transform.
 */
function batchOf(
  body: PredictBody | string,
  sig: ModelSignature,
  encoder: TabularEncoder | undefined,
): InputBatch {
  if (typeof body === 'string') return encodeCsv(body, transformFor(encoder, sig));
  if (body.instances !== undefined) {
    return body.instances.every((row) => isRawRow(row, sig))
      ? encodeRawRows(body.instances, transformFor(encoder, sig), 'instances')
      : parseInstances(body.instances, sig);
  }
  return isRawRow(body.inputs, sig)
    ? encodeRawColumns(body.inputs, transformFor(encoder, sig), 'inputs')
    : parseColumnar(body.inputs, sig);
}

/**
 * TensorFlow Serving REST API (tensorflow.org/tfx/serving/api_rest): `:predict`
 * in row (`instances`) and columnar (`inputs`) formats, by model, version or
 * label, plus model status.
 */
export function tfServingRoutes(app: FastifyInstance, ctx: ServingContext): void {
  const params = (extra: Record<string, object>) =>
    ({
      type: 'object',
      properties: { m: modelParam, ...extra },
      required: ['m', ...Object.keys(extra)],
    }) as const;

  const predict = async (
    request: FastifyRequest<{ Params: Params; Body: PredictBody | string }>,
    reply: FastifyReply,
  ) => {
    const { m } = request.params;
    const info: ServingRequestInfo = { route: 'tfs_predict', model: m };
    request.federaServing = info;
    const body = request.body;
    const encoder = await ctx.transforms.encoder(m);
    const p = await ctx.inference.predict(
      m,
      selectorOf(request.params),
      (h) => headerValue(request, h),
      (sig) => batchOf(body, sig, encoder),
      (target) => {
        info.target = target;
      },
    );
    reply
      .header('x-federa-model-version', String(p.target.version))
      .header('x-federa-variant', p.target.variant);
    const rows = nestRows(p.output, p.rows, p.signature.outputShape);
    return typeof body === 'string' || body.instances !== undefined
      ? { predictions: rows }
      : { outputs: rows };
  };
  const opts = (p: object) => ({
    preHandler: ctx.guards.infer,
    bodyLimit: ctx.maxBodyBytes,
    schema: { params: p, body: predictBody, response: { '4xx': errorReply, '5xx': errorReply } },
  });
  // find-my-way: a regex-constrained parameter, then `::` for the literal colon of `:predict`.
  app.post<{ Params: Params; Body: PredictBody | string }>(
    '/v1/models/:m([a-z0-9][a-z0-9_-]*)::predict',
    opts(params({})),
    predict,
  );
  app.post<{ Params: Params; Body: PredictBody | string }>(
    '/v1/models/:m/versions/:v([0-9]+)::predict',
    opts(params({ v: versionParam })),
    predict,
  );
  app.post<{ Params: Params; Body: PredictBody | string }>(
    '/v1/models/:m/labels/:l([a-z0-9_-]+)::predict',
    opts(params({ l: labelParam })),
    predict,
  );

  const status = async (request: FastifyRequest<{ Params: Params }>) => {
    const { m } = request.params;
    const selector = selectorOf(request.params);
    const versions =
      selector.version !== undefined
        ? [await ctx.registry.version(m, selector.version)]
        : selector.label !== undefined
          ? [await ctx.registry.version(m, await ctx.registry.resolve(m, selector.label))]
          : await ctx.registry.versions(m);
    const stateName = { ready: 'AVAILABLE', loading: 'LOADING', unloaded: 'END', failed: 'END' } as const;
    return {
      model_version_status: versions.map((v) => {
        const state = ctx.cache.state(m, v.version);
        const failed = state === 'failed';
        return {
          version: String(v.version),
          state: stateName[state],
          status: { error_code: failed ? 'UNKNOWN' : 'OK', error_message: failed ? 'load failed' : '' },
        };
      }),
    };
  };
  const statusOpts = (p: object) => ({ preHandler: ctx.guards.read, schema: { params: p } });
  app.get<{ Params: Params }>('/v1/models/:m', statusOpts(params({})), status);
  app.get<{ Params: Params }>('/v1/models/:m/versions/:v', statusOpts(params({ v: versionParam })), status);
  app.get<{ Params: Params }>('/v1/models/:m/labels/:l', statusOpts(params({ l: labelParam })), status);
}
