import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import {
  type AuditRetention,
  type CorsOptions,
  type IdentityOptions,
  type TlsOptions,
  type TokenConfig,
  buildServer,
  httpsOptions,
  originMatcher,
} from '@federa/server';
import { type Config, loadConfig } from '../cli/config.js';
import { CliError, UsageError } from '../cli/errors.js';
import { parse, integer, positive } from '../cli/common.js';
import { readTokensFile } from '../cli/tokens-file.js';

export const serverHelp = `federa server start [options]
Start a coordinator (REST + socket.io + level store) and serve until Ctrl-C / SIGTERM.
  --port P           port (env FEDERA_PORT, config "port"; default 8080; 0 = any free port)
  --host H           interface (env FEDERA_HOST, config "host"; default 127.0.0.1; 0.0.0.0 in containers)
  --store DIR        level store directory (env FEDERA_STORE, config "store"; default .federa/store)
  --tls-cert FILE    PEM certificate (chain): serve HTTPS and WSS on the same port
  --tls-key FILE     PEM private key of --tls-cert (give both or neither)
  --audit-max-age-days D   drop audit entries older than D days (env FEDERA_AUDIT_MAX_AGE_DAYS,
                     config "auditMaxAgeDays"; default keep all); applied at start and hourly
  --audit-max-entries N    keep at most N audit entries (env FEDERA_AUDIT_MAX_ENTRIES,
                     config "auditMaxEntries"; default keep all)
  --cors-origin O    let browser pages on origin O (scheme://host[:port]) call the coordinator and
                     open sockets; repeat or comma-separate (env FEDERA_CORS_ORIGINS, config
                     "corsOrigins"); default none; tokens travel in Authorization, never cookies
  --tokens-file FILE JSON array of {"role", "sha256"}: bearer tokens for REST and the socket hello
                     (env FEDERA_TOKENS_FILE, config "tokensFile"); make one with
                     'federa token create --role admin --tokens-file FILE'. Without it auth is OFF
  --identity MODE    device-key identity: off (default), required (only enrolled devices' signed
                     hellos), optional (unknown ids still admitted) (env FEDERA_IDENTITY, config "identity")
  --insecure-no-auth listen on a non-loopback --host with no tokens (env FEDERA_INSECURE_NO_AUTH=1,
                     config "insecureNoAuth"); refused otherwise, since anyone reaching it is admin
  --max-model-params N     refuse runs whose model has more than N parameters, counted from the
                     topology before it is built (env FEDERA_MAX_MODEL_PARAMS, config "maxModelParams";
                     default 10000000; docs/robustness.md)
  --config FILE      JSON config file (default ./federa.config.json when present)
  --json             print {"url": …} once listening
Precedence: flags > environment > config file > defaults.`;

/** `federa server start`. */
export async function serverCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(serverHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'start') throw new UsageError(`unknown subcommand 'server ${sub}'. See 'federa server --help'`);
  const { values } = parse(
    rest,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      store: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'audit-max-age-days': { type: 'string' },
      'audit-max-entries': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'tokens-file': { type: 'string' },
      identity: { type: 'string' },
      'insecure-no-auth': { type: 'boolean' },
      'max-model-params': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    'server start',
  );
  if (values.help) {
    console.log(serverHelp);
    return 0;
  }
  const tls = readTls(values['tls-cert'], values['tls-key']);
  const config = loadConfig(values.config, process.env);
  const portText = config.get('port', values.port)!;
  const port = portText === '0' ? 0 : integer(portText, 8080, 'port')!;
  const host = config.get('host', values.host)!;
  const storePath = resolve(config.get('store', values.store)!);
  const auditRetention = retention(config, values['audit-max-age-days'], values['audit-max-entries']);
  const cors = corsOrigins(config, values['cors-origin']);
  const tokensFile = config.get('tokensFile', values['tokens-file']);
  const tokens: TokenConfig[] = tokensFile ? readTokensFile(resolve(tokensFile)) : [];
  const identity = identityMode(config.get('identity', values.identity)!);
  const maxModelParams = integer(
    config.get('maxModelParams', values['max-model-params']),
    undefined,
    'max-model-params',
  );
  const insecure = flag(config.get('insecureNoAuth', values['insecure-no-auth'] ? 'true' : undefined)!);
  if (tokens.length === 0 && !isLoopback(host) && !insecure) {
    throw new UsageError(
      `refusing to serve ${host} with authentication off: give --tokens-file (see 'federa token create') or, to accept anyone as admin, --insecure-no-auth`,
    );
  }
  await mkdir(storePath, { recursive: true });
  const server = await buildServer({
    storePath,
    ...(tls ? { tls } : {}),
    ...(auditRetention ? { auditRetention } : {}),
    ...(cors ? { cors } : {}),
    ...(tokens.length ? { tokens } : {}),
    ...(identity ? { identity } : {}),
    ...(maxModelParams !== undefined ? { maxModelParams } : {}),
  }).catch((err: Error) => {
    throw new CliError(`cannot open the store at ${storePath}: ${err.message.split('\n')[0]}`);
  });
  const url = await server.listen(port, host).catch(async (err: NodeJS.ErrnoException) => {
    await server.close();
    throw new CliError(
      `cannot listen on ${host}:${port} (${err.code ?? err.message}); choose another --port`,
    );
  });
  if (values.json) console.log(JSON.stringify({ url, store: storePath }));
  else {
    console.log(`federa coordinator listening on ${url} (store ${storePath})`);
    console.log(`  REST ${url}/api/runs   dashboard ${url}/dashboard   API docs ${url}/docs`);
    const auth = tokens.length ? `${tokens.length} token(s) from ${tokensFile}` : 'OFF (no --tokens-file)';
    console.log(
      `  authentication ${auth}; device identity ${identity ? (identity.required ? 'required' : 'optional') : 'off'}`,
    );
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  if (!values.json) console.log('stopping coordinator');
  await server.close();
  return 0;
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost, reachable from this machine alone. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function identityMode(mode: string): IdentityOptions | undefined {
  if (mode === 'off') return undefined;
  if (mode === 'required' || mode === 'optional') return { required: mode === 'required' };
  throw new UsageError(`--identity must be off, required or optional, got '${mode}'`);
}

function flag(text: string): boolean {
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no|)$/i.test(text)) return false;
  throw new UsageError(`--insecure-no-auth: expected true or false, got '${text}'`);
}

/** Audit retention from flags, environment or config file; undefined keeps every entry. */
function retention(config: Config, ageFlag?: string, entriesFlag?: string): AuditRetention | undefined {
  const days = positive(config.get('auditMaxAgeDays', ageFlag), undefined, 'audit-max-age-days');
  const maxEntries = integer(config.get('auditMaxEntries', entriesFlag), undefined, 'audit-max-entries');
  if (days === undefined && maxEntries === undefined) return undefined;
  return {
    ...(days !== undefined ? { maxAgeMs: days * 86_400_000 } : {}),
    ...(maxEntries !== undefined ? { maxEntries } : {}),
  };
}

/** Allowed page origins from flags, environment or config; each checked so a typo fails at start. */
function corsOrigins(config: Config, flags: string[] | undefined): CorsOptions | undefined {
  const text = config.get('corsOrigins', flags?.join(','));
  const origins = (text ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length === 0) return undefined;
  try {
    originMatcher(origins);
  } catch (err) {
    throw new UsageError(`--cors-origin: ${(err as Error).message.replace(/^cors\.origins\[\d+\]: /, '')}`);
  }
  return { origins };
}

/** PEM files for HTTPS + WSS, both or neither; checked here so a bad pair fails with a one-line error. */
function readTls(certPath: string | undefined, keyPath: string | undefined): TlsOptions | undefined {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new UsageError('--tls-cert and --tls-key go together');
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(resolve(path));
    } catch (err) {
      throw new CliError(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const tls = { cert: read(certPath, '--tls-cert'), key: read(keyPath, '--tls-key') };
  try {
    httpsOptions(tls);
  } catch (err) {
    throw new CliError(`--tls-cert/--tls-key: ${(err as Error).message}`);
  }
  return tls;
}
