import { CLIENT_ID_PATTERN } from '@federa/protocol';
import type { FastifyInstance } from 'fastify';
import { roleGuard } from '../auth/index.js';
import { serverErrors } from '../errors.js';
import type { ClientRegistry, EnrolRequest } from './client-registry.js';
import { KEY_ALGORITHMS } from './key-algorithms.js';
import { KeyedRateLimiter } from './rate-limit.js';
import { errorReply } from '../rest/error-handler.js';

/** Options of {@link identityRoutes}. */
export interface IdentityRoutesOptions {
  registry: ClientRegistry;
  /** Enrolment attempts allowed per IP per minute (brute-force protection). Default 10. */
  enrolPerMinute?: number;
}

const clientId = { type: 'string', pattern: CLIENT_ID_PATTERN.source } as const;
const clientReply = { type: 'object', additionalProperties: true } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: clientId } } as const;

/**
 * Enrolment REST: admins issue one-time tokens, list and revoke clients;
 * devices enrol their public key with a token (no bearer: the token is the credential).
 *
 * @example
 * await app.register(identityRoutes, { registry });
 */
export async function identityRoutes(app: FastifyInstance, opts: IdentityRoutesOptions): Promise<void> {
  const { registry } = opts;
  const admin = roleGuard(app, 'admin');
  const perMinute = opts.enrolPerMinute ?? 10;
  const enrolLimiter = new KeyedRateLimiter({
    messagesPerSecond: perMinute / 60,
    messageBurst: perMinute,
    disconnectAfter: Number.MAX_SAFE_INTEGER,
  });
  const principalId = (p?: { role: string; tokenId: string }) => (p ? `${p.role}:${p.tokenId}` : 'anonymous');

  app.post(
    '/api/enrolment-tokens',
    {
      preHandler: admin,
      config: { audit: 'enrolment-token.issue' },
      schema: {
        summary: 'Issue a one-time enrolment token (shown once; stored hashed)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            clientId,
            // Scope: a client enrolled with this token may join only these runs.
            runs: {
              type: 'array',
              minItems: 1,
              maxItems: 64,
              uniqueItems: true,
              items: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
            },
            ttlSeconds: { type: 'integer', minimum: 1, maximum: 31_536_000 },
          },
        },
        response: { 201: clientReply, '4xx': errorReply },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { clientId?: string; runs?: string[]; ttlSeconds?: number };
      const issued = await registry.tokens.issue({
        createdBy: principalId(request.principal),
        ...(body.clientId !== undefined ? { clientId: body.clientId } : {}),
        ...(body.runs !== undefined ? { runs: body.runs } : {}),
        ...(body.ttlSeconds !== undefined ? { ttlMs: body.ttlSeconds * 1000 } : {}),
      });
      request.auditDetail = {
        target: issued.tokenId,
        detail: { clientId: issued.clientId ?? null, runs: issued.runs ?? null },
      };
      return reply.status(201).send(issued);
    },
  );

  app.get(
    '/api/clients',
    { preHandler: admin, schema: { summary: 'Enrolled clients', response: { '4xx': errorReply } } },
    async () => registry.list(),
  );

  app.post(
    '/api/clients/:id/revoke',
    {
      preHandler: admin,
      config: { audit: 'client.revoke' },
      schema: {
        summary: 'Revoke a client: refused from its next message on',
        params: idParams,
        response: { 200: clientReply, '4xx': errorReply },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      request.auditDetail = { target: id };
      return registry.revoke(id, principalId(request.principal));
    },
  );

  app.post(
    '/api/clients/enrol',
    {
      config: { audit: 'client.enrol' },
      schema: {
        summary: 'Enrol a device public key with a one-time enrolment token',
        body: {
          type: 'object',
          required: ['token', 'clientId', 'publicKey', 'algorithm'],
          additionalProperties: false,
          properties: {
            token: { type: 'string', minLength: 1, maxLength: 256 },
            clientId,
            publicKey: { type: 'string', minLength: 1, maxLength: 1024 },
            algorithm: { type: 'string', enum: [...KEY_ALGORITHMS] },
          },
        },
        response: { 201: clientReply, '4xx': errorReply },
      },
    },
    async (request, reply) => {
      const body = request.body as EnrolRequest;
      request.auditDetail = { target: body.clientId, actor: { clientId: body.clientId } };
      if (enrolLimiter.take(request.ip, 0) !== 'ok') {
        reply.header('retry-after', String(Math.ceil(60 / perMinute)));
        throw serverErrors.create('FEDERA_ERR_RATE_LIMITED', 'too many enrolment attempts from this address');
      }
      const record = await registry.enrol(body);
      return reply.status(201).send(record);
    },
  );
}
