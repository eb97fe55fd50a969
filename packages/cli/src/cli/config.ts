import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, UsageError } from './errors.js';

/** Settings every command may read, with their environment variables. */
export const SETTINGS = {
  server: { env: 'FEDERA_URL', fallback: 'http://127.0.0.1:8080' },
  token: { env: 'FEDERA_TOKEN', fallback: undefined },
  run: { env: 'FEDERA_RUN', fallback: undefined },
  giveUpAfter: { env: 'FEDERA_GIVE_UP_AFTER', fallback: '600' },
  keyDir: { env: 'FEDERA_KEY_DIR', fallback: undefined },
  enrolmentToken: { env: 'FEDERA_ENROLMENT_TOKEN', fallback: undefined },
  host: { env: 'FEDERA_HOST', fallback: '127.0.0.1' },
  port: { env: 'FEDERA_PORT', fallback: '8080' },
  store: { env: 'FEDERA_STORE', fallback: '.federa/store' },
  auditMaxAgeDays: { env: 'FEDERA_AUDIT_MAX_AGE_DAYS', fallback: undefined },
  auditMaxEntries: { env: 'FEDERA_AUDIT_MAX_ENTRIES', fallback: undefined },
  maxModelParams: { env: 'FEDERA_MAX_MODEL_PARAMS', fallback: undefined },
  corsOrigins: { env: 'FEDERA_CORS_ORIGINS', fallback: undefined },
  tokensFile: { env: 'FEDERA_TOKENS_FILE', fallback: undefined },
  identity: { env: 'FEDERA_IDENTITY', fallback: 'off' },
  insecureNoAuth: { env: 'FEDERA_INSECURE_NO_AUTH', fallback: 'false' },
} as const;

export type SettingName = keyof typeof SETTINGS;
export const DEFAULT_CONFIG_FILE = 'federa.config.json';

/**
 * Resolves settings with the documented precedence: flags > environment >
 * config file (`--config`, else ./federa.config.json if present) > defaults.
 *
 * @example
 * const config = loadConfig(values.config, process.env);
 * const url = config.get('server', values.server);
 */
export class Config {
  constructor(
    private readonly file: Record<string, unknown>,
    private readonly env: Record<string, string | undefined>,
    readonly path: string | undefined,
  ) {}

  get(name: SettingName, flag?: string): string | undefined {
    if (flag !== undefined) return flag;
    const env = this.env[SETTINGS[name].env];
    if (env !== undefined && env !== '') return env;
    const fromFile = this.file[name];
    if (fromFile !== undefined) return String(fromFile);
    return SETTINGS[name].fallback;
  }

  require(name: SettingName, flag: string | undefined, hint: string): string {
    const v = this.get(name, flag);
    if (v === undefined) throw new UsageError(`missing ${hint} (or set ${SETTINGS[name].env})`);
    return v;
  }
}

/** Read the config file (explicit path must exist; the default is optional). */
export function loadConfig(path: string | undefined, env: Record<string, string | undefined>): Config {
  const explicit = path ?? env['FEDERA_CONFIG'];
  const file = resolve(explicit ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new CliError(`config file ${explicit} not found`);
    return new Config({}, env, undefined);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`config file ${file} must hold a JSON object like {"server": "http://…"}`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in SETTINGS));
  if (unknown.length) throw new CliError(`config file ${file}: unknown key(s) ${unknown.join(', ')}`);
  return new Config(parsed as Record<string, unknown>, env, file);
}
