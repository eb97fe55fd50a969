import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleGuard } from '../auth/index.js';
import { serverErrors } from '../errors.js';
import type { FederationEventMap, FederationEvents } from '../events.js';
import type { AuditActor, AuditLog, AuditQuery } from './audit-log.js';
import { RefusalTally } from './refusal-tally.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Audit entry type for this route (routes outside the built-in table opt in here). */
    audit?: string;
  }
  interface FastifyRequest {
    /** Extra facts a handler adds to its audit entry. */
    auditDetail?: { target?: string; actor?: AuditActor; detail?: Record<string, unknown> };
  }
}

/** Options of {@link auditPlugin}. */
export interface AuditPluginOptions {
  audit: AuditLog;
  events: FederationEvents;
}

// Administrative routes owned by other plugins, keyed `METHOD url-pattern`.
const AUDITED_ROUTES: Record<string, { type: string; target: (r: FastifyRequest) => string | undefined }> = {
  'POST /api/runs': { type: 'run.create', target: (r) => (r.body as { id?: string } | undefined)?.id },
  'POST /api/runs/:id/start': { type: 'run.start', target: (r) => param(r, 'id') },
  'POST /api/runs/:id/stop': { type: 'run.stop', target: (r) => param(r, 'id') },
  'PUT /v1/registry/models/:m/labels/:l': { type: 'label.promote', target: modelLabel },
  'POST /v1/registry/models/:m/labels/:l/rollback': { type: 'label.rollback', target: modelLabel },
  'DELETE /v1/registry/models/:m/labels/:l': { type: 'label.delete', target: modelLabel },
  'PUT /v1/registry/models/:m/traffic': { type: 'traffic.set', target: (r) => param(r, 'm') },
};

function param(r: FastifyRequest, name: string): string | undefined {
  return (r.params as Record<string, string> | undefined)?.[name];
}
function modelLabel(r: FastifyRequest): string | undefined {
  return `${param(r, 'm')}/${param(r, 'l')}`;
}

/**
 * Audit trail wiring: an app-wide onSend hook records administrative requests
 * (who by role and token id, what, outcome) before the reply leaves; round
 * events come from the federation bus; `GET /api/audit` (admin) reads it back.
 * Register before the routes it should see.
 *
 * @example
 * await app.register(auditPlugin, { audit: await AuditLog.open(store), events });
 */
export async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  const { audit, events } = opts;
  app.decorateRequest('auditDetail', undefined);
  const refusals = new RefusalTally(audit);
  app.addHook('onClose', () => refusals.close());

  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    const known = url === undefined ? undefined : AUDITED_ROUTES[`${request.method} ${url}`];
    const type = request.routeOptions.config?.audit ?? known?.type;
    if (!type) return payload;
    const extra = request.auditDetail;
    const p = request.principal;
    // No principal to answer for it (anonymous, or an id the caller chose): a refusal is counted per
    // window and address, not logged one by one (docs/security.md).
    const unattributed = !p || (extra?.actor !== undefined && 'clientId' in extra.actor);
    if (reply.statusCode >= 400 && unattributed) {
      const clientId = extra?.actor && 'clientId' in extra.actor ? extra.actor.clientId : undefined;
      refusals.add(type, reply.statusCode, request.ip, clientId);
      return payload;
    }
    const actor: AuditActor =
      extra?.actor ?? (p ? { role: p.role, tokenId: p.tokenId } : { role: 'anonymous' });
    const target = extra?.target ?? known?.target(request);
    await audit
      .append({
        type,
        actor,
        status: reply.statusCode,
        // Targets can come from request bodies: kept bounded whatever a route's schema allows.
        ...(target !== undefined ? { target: String(target).slice(0, 256) } : {}),
        ...(extra?.detail ? { detail: extra.detail } : {}),
      })
      .catch((err: Error) => request.log.error({ type, err: err.message }, 'audit append failed'));
    return payload;
  });

  const system = { system: 'coordinator' } as const;
  const onCommitted = (...[{ round, version, durationMs }]: FederationEventMap['round-committed']) => {
    const detail = {
      round: round.round,
      version: version.version,
      participants: round.participants.length,
      durationMs,
    };
    void audit
      .append({ type: 'round.committed', actor: system, target: round.runId, detail })
      .catch(() => undefined);
  };
  const onFailed = (...[{ runId, round, attempt, code }]: FederationEventMap['round-failed']) => {
    const detail = { round, attempt, code };
    void audit.append({ type: 'round.failed', actor: system, target: runId, detail }).catch(() => undefined);
  };
  // A hello for runs outside the client's enrolment: the client stops on the typed refusal, so one entry.
  const onMembershipRefused = (...[{ clientId, runIds, code }]: FederationEventMap['membership-refused']) => {
    const detail = { runs: runIds, code };
    void audit
      .append({ type: 'client.membership-refused', actor: { clientId }, target: clientId, detail })
      .catch(() => undefined);
  };
  events.on('round-committed', onCommitted);
  events.on('round-failed', onFailed);
  events.on('membership-refused', onMembershipRefused);
  app.addHook('onClose', async () => {
    events.off('round-committed', onCommitted);
    events.off('round-failed', onFailed);
    events.off('membership-refused', onMembershipRefused);
  });

  app.get(
    '/api/audit',
    {
      preHandler: roleGuard(app, 'admin'),
      schema: {
        summary: 'Audit trail of administrative actions and round events',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: { type: 'string', maxLength: 40 },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            type: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as { since?: string; limit?: number; type?: string };
      // Whatever was refused so far in this window is on the record when it is read.
      await refusals.flush();
      const query: AuditQuery = {
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.type ? { type: q.type } : {}),
      };
      if (q.since !== undefined) {
        if (/^\d+$/.test(q.since)) query.since = Number(q.since);
        else if (!Number.isNaN(Date.parse(q.since))) query.since = q.since;
        else
          throw serverErrors.create('FEDERA_ERR_REQUEST_INVALID', 'since: a sequence number or an ISO time');
      }
      return audit.query(query);
    },
  );
}
// App-wide, like fastify-plugin would make it: the hook must see every route.
Object.assign(auditPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'federa-audit',
});
