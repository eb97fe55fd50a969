import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunRecord } from '../runs/run-types.js';
import { packWeights } from '../store/pack.js';
import { modelForGivenWeights } from '../tf/model.js';
import { type ServingContext, labelParam, modelParam, versionParam } from './context.js';
import { servingErrors } from './errors.js';
import { EncodedVersionCache, streamBytes } from '../store/encoded-versions.js';

const SHARD = 'group1-shard1of1.bin';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Names the topology's layers look weights up by, in model.getWeights() order. */
async function weightNames(run: RunRecord): Promise<string[]> {
  const model = await modelForGivenWeights(run.topology);
  try {
    return model.weights.map((w) => w.originalName ?? w.name);
  } finally {
    model.dispose();
  }
}

function cors(reply: FastifyReply): void {
  reply
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'etag, content-length, location')
    .header('vary', 'origin');
}

/**
 * TF.js layers-model artifacts, loadable unmodified with
 * `tf.loadLayersModel(url)` in Node or a browser. Versioned files are
 * immutable (long-lived Cache-Control, ETag = weights hash); a label URL
 * redirects to its version's model.json. Shard paths in the manifest are
 * written as `../../versions/<v>/…`, which resolves to the same version
 * whether the loader fetched model.json via the label or the version URL
 * (tf.io.http resolves shards against the URL it was given, not the redirect).
 */
export function artifactRoutes(app: FastifyInstance, ctx: ServingContext): void {
  const names = new Map<string, Promise<string[]>>();
  // Each version's shard is read, hash-checked and packed once, not once per download (issue 11 row 9).
  const shards = new EncodedVersionCache<Uint8Array>((b) => b.byteLength);
  const namesFor = (run: RunRecord) => {
    let p = names.get(run.settings.id);
    if (!p) {
      p = weightNames(run);
      p.catch(() => names.delete(run.settings.id));
      names.set(run.settings.id, p);
    }
    return p;
  };
  app.addHook('onRequest', async (_request, reply) => cors(reply));
  app.options('/models/*', async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, if-none-match')
      .header('access-control-max-age', '86400')
      .send(),
  );

  const versioned = {
    type: 'object',
    properties: { m: modelParam, v: versionParam },
    required: ['m', 'v'],
  } as const;
  type VParams = { Params: { m: string; v: string } };
  const notModified = (request: FastifyRequest, reply: FastifyReply, etag: string) => {
    reply.header('etag', etag).header('cache-control', IMMUTABLE);
    return request.headers['if-none-match'] === etag;
  };

  app.get<VParams>(
    '/models/:m/versions/:v/model.json',
    { preHandler: ctx.guards.read, schema: { params: versioned } },
    async (request, reply) => {
      const { m } = request.params;
      const version = Number(request.params.v);
      const meta = await ctx.registry.version(m, version);
      if (notModified(request, reply, `"${meta.hash}.json"`)) return reply.code(304).send();
      const run = await ctx.registry.run(m);
      const weightNamesList = await namesFor(run);
      // The preprocessing is part of the model: a browser or `federa model pull` gets the transform too.
      const transform = (await ctx.transforms.encoder(m))?.transform;
      if (weightNamesList.length !== run.specs.length) {
        throw servingErrors.create(
          'FEDERA_ERR_SERVING_UNSUPPORTED_MODEL',
          'topology and weight layout disagree',
        );
      }
      return {
        format: 'layers-model',
        generatedBy: 'federa',
        convertedBy: null,
        modelTopology: run.topology,
        weightsManifest: [
          {
            paths: [`../../versions/${version}/${SHARD}`],
            weights: run.specs.map((s, i) => ({
              name: weightNamesList[i]!,
              shape: [...s.shape],
              dtype: 'float32',
            })),
          },
        ],
        userDefinedMetadata: {
          federa: {
            model: m,
            version,
            hash: meta.hash,
            round: meta.round,
            ...(transform ? { transform } : {}),
          },
        },
      };
    },
  );

  app.get<VParams>(
    `/models/:m/versions/:v/${SHARD}`,
    { preHandler: ctx.guards.read, schema: { params: versioned } },
    async (request, reply) => {
      const { m } = request.params;
      const version = Number(request.params.v);
      const meta = await ctx.registry.version(m, version);
      if (notModified(request, reply, `"${meta.hash}"`)) return reply.code(304).send();
      const bytes = await shards.get(`${m}@${version}#${meta.hash}`, async () => {
        const run = await ctx.registry.run(m);
        return packWeights(await ctx.registry.weights(m, version, run.specs));
      });
      return reply
        .type('application/octet-stream')
        .header('content-length', bytes.byteLength)
        .send(streamBytes(bytes));
    },
  );

  app.get<{ Params: { m: string; l: string } }>(
    '/models/:m/labels/:l/model.json',
    {
      preHandler: ctx.guards.read,
      schema: {
        params: { type: 'object', properties: { m: modelParam, l: labelParam }, required: ['m', 'l'] },
      },
    },
    async (request, reply) => {
      const version = await ctx.registry.resolve(request.params.m, request.params.l);
      return reply
        .code(307)
        .header('cache-control', 'no-store')
        .header('location', `../../versions/${version}/model.json`)
        .send();
    },
  );
}
