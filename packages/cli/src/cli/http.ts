import { CliError, UnreachableError } from './errors.js';
import { RESTARTING } from './transient.js';

/** Error body of every Federa REST failure. */
interface ErrorBody {
  code?: string;
  message?: string;
}

/**
 * A tiny REST client for the coordinator: bearer token, JSON in and out, and
 * every failure turned into one actionable line (CliError).
 *
 * @example
 * const api = new Api('http://127.0.0.1:8080', process.env.FEDERA_TOKEN);
 * const runs = await api.json<RunView[]>('GET', '/api/runs');
 */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {
    try {
      new URL(baseUrl);
    } catch {
      throw new CliError(`--server ${baseUrl} is not a URL; expected e.g. http://127.0.0.1:8080`);
    }
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', path)).arrayBuffer());
  }

  /** The raw response when it is 2xx; `allow404` lets callers fall back when a plane is absent. */
  async request(method: string, path: string, body?: unknown, allow404 = false): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const why = (err as { cause?: { code?: string; message?: string } }).cause;
      const cause = why?.code ?? why?.message ?? (err as Error).message;
      throw new UnreachableError(
        `cannot reach the coordinator at ${this.baseUrl} (${cause}); is 'federa server start' running? Set --server or FEDERA_URL`,
      );
    }
    if (res.ok || (allow404 && res.status === 404)) return res;
    if (RESTARTING.has(res.status))
      throw new UnreachableError(`the coordinator at ${this.baseUrl} answered HTTP ${res.status}`);
    const err = (await res.json().catch(() => ({}))) as ErrorBody;
    const what = `${method} ${url.pathname}`;
    if (res.status === 401) {
      throw new CliError(
        `the coordinator rejected the token (${err.code ?? 401}) on ${what}; check --token or FEDERA_TOKEN`,
      );
    }
    if (res.status === 403) {
      throw new CliError(
        `the token's role may not do this (${err.code ?? 403}: ${err.message ?? ''}) on ${what}`,
      );
    }
    throw new CliError(`${err.code ?? `HTTP ${res.status}`}: ${err.message ?? res.statusText} (${what})`);
  }
}
