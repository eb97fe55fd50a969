import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { servingErrors } from './errors.js';
import { errorReply } from '../rest/error-handler.js';
import { type ServingContext, modelParam, selectorOf, versionParam } from './context.js';
import { encodeRawColumns, transformFor } from './raw-rows.js';
import { parseOipInput } from './tensor-input.js';

type Params = { m: string; v?: string };
interface InferBody {
  id?: string;
  inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }>;
}

const inferSchema = {
  body: {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string', maxLength: 256 },
      parameters: { type: 'object' },
      inputs: {
        type: 'array',
        minItems: 1,
        // One FP32 tensor, or for a tabular model one tensor per raw column (FP32, INT, BOOL or BYTES).
        maxItems: 1024,
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          properties: {
            name: { type: 'string', maxLength: 256 },
            shape: { type: 'array', maxItems: 8, items: { type: 'integer', minimum: 0 } },
            datatype: { type: 'string', maxLength: 16 },
            data: { type: 'array' },
          },
        },
      },
      outputs: { type: 'array' },
    },
  },
  response: { '4xx': errorReply, '5xx': errorReply },
} as const;

const tensorMeta = (name: string, shape: number[]) => ({ name, datatype: 'FP32', shape: [-1, ...shape] });

/**
 * Open Inference Protocol / KServe V2 REST (kserve.github.io/website, "V2 protocol"):
 * health, model metadata and readiness, and `infer` with typed FP32 tensors.
 */
export function oipRoutes(app: FastifyInstance, ctx: ServingContext): void {
  const modelOnly = { type: 'object', properties: { m: modelParam }, required: ['m'] } as const;
  const withVersion = {
    type: 'object',
    properties: { m: modelParam, v: versionParam },
    required: ['m', 'v'],
  } as const;

  // Not ready is a 503 probes understand, with the typed, retryable error every other failure carries.
  const notReady = () => {
    const { code, message, retryable } = servingErrors.create('FEDERA_ERR_SERVING_NOT_READY');
    return { code, message, retryable };
  };
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = ctx.isReady();
    return ready ? { ready } : reply.code(503).send({ ready, ...notReady() });
  });
  app.get('/v2', async () => ({ name: 'federa', version: '0.1.0', extensions: [] }));

  const metadata = async (request: FastifyRequest<{ Params: Params }>) => {
    const { m } = request.params;
    const selector = selectorOf(request.params);
    const version = selector.version ?? (await ctx.registry.resolve(m, 'stable'));
    await ctx.registry.version(m, version);
    const versions = (await ctx.registry.versions(m)).map((v) => String(v.version));
    const sig = await ctx.cache.use(m, version, async (loaded) => loaded.signature);
    return {
      name: m,
      versions: selector.version === undefined ? versions : [String(version)],
      platform: 'tensorflowjs_layers',
      inputs: [tensorMeta(sig.inputName, sig.inputShape)],
      outputs: [tensorMeta(sig.outputName, sig.outputShape)],
    };
  };
  const readiness = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { m } = request.params;
    const selector = selectorOf(request.params);
    const version = selector.version ?? (await ctx.registry.resolve(m, 'stable'));
    await ctx.registry.version(m, version);
    const ready = ctx.cache.state(m, version) === 'ready';
    const body = { name: m, version: String(version), ready };
    return ready ? body : reply.code(503).send({ ...body, ...notReady() });
  };
  const readOpts = (params: object) => ({ preHandler: ctx.guards.read, schema: { params } });
  app.get<{ Params: Params }>('/v2/models/:m', readOpts(modelOnly), metadata);
  app.get<{ Params: Params }>('/v2/models/:m/versions/:v', readOpts(withVersion), metadata);
  app.get<{ Params: Params }>('/v2/models/:m/ready', readOpts(modelOnly), readiness);
  app.get<{ Params: Params }>('/v2/models/:m/versions/:v/ready', readOpts(withVersion), readiness);

  const infer = async (request: FastifyRequest<{ Params: Params; Body: InferBody }>, reply: FastifyReply) => {
    const { m } = request.params;
    const info = { route: 'oip_infer', model: m } as NonNullable<FastifyRequest['federaServing']>;
    request.federaServing = info;
    const { inputs } = request.body;
    const input = inputs[0]!;
    const encoder = await ctx.transforms.encoder(m);
    const p = await ctx.inference.predict(
      m,
      selectorOf(request.params),
      (h) => headerValue(request, h),
      (sig) => {
        const encoded = inputs.length === 1 && (input.name === sig.inputName || input.name === 'input');
        if (!encoded && encoder) {
          const columns = Object.fromEntries(inputs.map((t) => [t.name, t.data]));
          return encodeRawColumns(columns, transformFor(encoder, sig), 'inputs');
        }
        if (inputs.length > 1 || (input.name !== sig.inputName && input.name !== 'input')) {
          throw servingErrors.create(
            'FEDERA_ERR_SERVING_BAD_SHAPE',
            `unknown input ${input.name}; expected ${sig.inputName}`,
          );
        }
        return parseOipInput(input, sig);
      },
      (target) => {
        info.target = target;
      },
    );
    reply
      .header('x-federa-model-version', String(p.target.version))
      .header('x-federa-variant', p.target.variant);
    return {
      model_name: m,
      model_version: String(p.target.version),
      ...(request.body.id === undefined ? {} : { id: request.body.id }),
      outputs: [
        {
          name: p.signature.outputName,
          datatype: 'FP32',
          shape: [p.rows, ...p.signature.outputShape],
          data: Array.from(p.output),
        },
      ],
    };
  };
  const inferOpts = (params: object) => ({
    preHandler: ctx.guards.infer,
    bodyLimit: ctx.maxBodyBytes,
    schema: { ...inferSchema, params },
  });
  app.post<{ Params: Params; Body: InferBody }>('/v2/models/:m/infer', inferOpts(modelOnly), infer);
  app.post<{ Params: Params; Body: InferBody }>(
    '/v2/models/:m/versions/:v/infer',
    inferOpts(withVersion),
    infer,
  );
}

/** First value of a request header, lower-case name. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
