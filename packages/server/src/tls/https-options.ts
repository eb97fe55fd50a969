import { createSecureContext } from 'node:tls';
import { identityErrors } from '../identity/errors.js';

/** TLS material of the coordinator, PEM text or bytes (read files first). */
export interface TlsOptions {
  cert: string | Uint8Array;
  key: string | Uint8Array;
  /**
   * CA bundle that client certificates must chain to. Setting it turns on
   * mutual TLS at the coordinator itself (most deployments do it at a proxy;
   * see docs/identity.md).
   */
  clientCa?: string | Uint8Array;
}

/** What fastify's `https` option receives. */
export interface HttpsServerOptions {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  minVersion: 'TLSv1.2';
}

/**
 * Validate TLS material up front (the key must match the certificate) so a
 * bad file fails at startup with a typed error rather than on the first handshake.
 *
 * @example
 * const https = httpsOptions({ cert: readFileSync('server.crt'), key: readFileSync('server.key') });
 */
export function httpsOptions(tls: TlsOptions): HttpsServerOptions {
  const cert = Buffer.from(tls.cert);
  const key = Buffer.from(tls.key);
  const ca = tls.clientCa === undefined ? undefined : Buffer.from(tls.clientCa);
  try {
    createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
  } catch (err) {
    // The reason (e.g. "key values mismatch") names no secret material.
    const reason = err instanceof Error ? err.message.split('\n')[0] : 'unreadable';
    throw identityErrors.create('FEDERA_ERR_TLS_CONFIG_INVALID', reason);
  }
  return {
    cert,
    key,
    minVersion: 'TLSv1.2',
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
}
