import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, loadConfig } from './config.js';
import { UsageError } from './errors.js';
import { Api } from './http.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every networked subcommand accepts. */
export const COMMON_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const COMMON_HELP = `Common options:
  --server URL       coordinator URL (env FEDERA_URL, config "server"; default http://127.0.0.1:8080)
  --token T          bearer token (env FEDERA_TOKEN, config "token")
  --config FILE      JSON config file (default ./federa.config.json when present)
  --json             machine-readable output
  -h, --help         this help
Precedence: flags > environment > config file > defaults.`;

/**
 * parseArgs with strict flags, turning node's errors into a one-line usage
 * message that names the command's --help.
 */
export function parse<O extends Options>(
  argv: string[],
  options: O,
  command: string,
  positionals = 0,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>> {
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) {
      throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'`);
    }
    return parsed;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    throw new UsageError(`${command}: ${message}. See 'federa ${command} --help'`);
  }
}

/** Config and API client from the common flags. */
export function connect(values: { server?: string; token?: string; config?: string }): {
  config: Config;
  api: Api;
} {
  const config = loadConfig(values.config, process.env);
  const api = new Api(config.get('server', values.server)!, config.get('token', values.token));
  return { config, api };
}

/** A positive number flag, or its default. */
export function positive(
  value: string | undefined,
  fallback: number | undefined,
  name: string,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

/** A positive integer flag, or its default. */
export function integer(
  value: string | undefined,
  fallback: number | undefined,
  name: string,
): number | undefined {
  const n = positive(value, fallback, name);
  if (n !== undefined && !Number.isInteger(n))
    throw new UsageError(`--${name} must be an integer, got '${value}'`);
  return n;
}
