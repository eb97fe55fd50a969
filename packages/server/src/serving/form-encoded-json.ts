import type { FastifyInstance } from 'fastify';

/**
 * Read an `application/x-www-form-urlencoded` body as the JSON it holds. That is the type `curl -d`
 * sends, and the calls TF Serving and KServe document (`curl -d '{"instances": …}'`) work because
 * their servers read such a body as JSON; so do the ones `federa sim --serve` prints. Fastify's own
 * JSON parser does the reading (`__proto__` and `constructor` keys refused), so a body that is not
 * JSON gets the typed 400 of any bad JSON body. For inference routes only: a web page may send this
 * type to another origin without a CORS preflight, so a route that changes state must keep refusing
 * it (415), or an unauthenticated loopback server could be driven by any page its user opens.
 */
export function readFormEncodedAsJson(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    app.getDefaultJsonParser('error', 'error'),
  );
}
