import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ROLES, type Role, type TokenConfig, hashToken } from '@federa/server';
import { CliError } from './errors.js';
import { writeWholeFile } from './files.js';

/** One line of a tokens file: a role and the sha256 of its bearer token, never the token itself. */
export interface TokenFileEntry {
  role: Role;
  sha256: string;
  /** When `federa token create` wrote it (informational). */
  createdAt?: string;
  /** Free text naming the holder (informational). */
  note?: string;
}

/**
 * Read a tokens file: a JSON array of `{role, sha256}`. Plaintext `token` fields are refused, so a
 * leaked file (a Kubernetes Secret, a backup) never hands out a working credential.
 */
export function readTokensFile(path: string): TokenConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `--tokens-file: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const entries = parseEntries(text, path);
  if (entries.length === 0) throw new CliError(`--tokens-file ${path}: holds no tokens`);
  return entries.map(({ role, sha256 }) => ({ role, sha256 }));
}

function parseEntries(text: string, path: string): TokenFileEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--tokens-file ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed))
    throw new CliError(`--tokens-file ${path}: must be a JSON array of {role, sha256}`);
  return parsed.map((e: unknown, i): TokenFileEntry => {
    const entry = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if ('token' in entry)
      throw new CliError(`--tokens-file ${path}[${i}]: plaintext "token" refused; store its sha256`);
    const { role, sha256 } = entry;
    if (typeof role !== 'string' || !ROLES.includes(role as Role))
      throw new CliError(`--tokens-file ${path}[${i}]: role must be one of ${ROLES.join(', ')}`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
      throw new CliError(`--tokens-file ${path}[${i}]: sha256 must be 64 hex digits`);
    return { ...(entry as object), role: role as Role, sha256: sha256.toLowerCase() };
  });
}

/**
 * Make a fresh bearer token for `role`, append only its sha256 to `path` (created with mode 0600,
 * replaced atomically) and return the plaintext, which exists nowhere else afterwards.
 */
export function createToken(path: string, role: Role, note?: string): string {
  const entries = existsSync(path) ? parseEntries(readFileSync(path, 'utf8'), path) : [];
  // 32 random bytes: a guess is as hard as the sha256 preimage the file stores.
  const token = `fed_${role}_${randomBytes(32).toString('base64url')}`;
  entries.push({
    role,
    sha256: hashToken(token),
    createdAt: new Date().toISOString(),
    ...(note ? { note } : {}),
  });
  writeWholeFile(path, `${JSON.stringify(entries, null, 2)}\n`, 0o600);
  return token;
}
