import { type DeviceKey, type DeviceKeyAlgorithm, enrolDevice, loadOrCreateDeviceKey } from '@federa/client';
import { FileKeyStore } from '@federa/client/node';
import { isFederaError } from '@federa/core';
import { COMMON_HELP, COMMON_OPTIONS, connect, parse } from '../cli/common.js';
import type { Config } from '../cli/config.js';
import { CliError, UsageError } from '../cli/errors.js';

// Device identity for `federa client` (docs/identity.md, "From the CLI"): `enrol` keeps the key in a
// FileKeyStore directory; `join --key-dir` loads it to sign the hello and the feature-statistics report.

export const enrolHelp = `federa client enrol --server URL --enrolment-token T --id NAME --key-dir DIR [options]
Enrol this device with a coordinator that requires identity: generate a device key in DIR (one
owner-only file per id, never overwritten; an existing key for NAME is reused) and register its
public key with a one-time enrolment token from an admin (POST /api/enrolment-tokens).
Prints the key's fingerprint. Then join with 'federa client join --id NAME --key-dir DIR'.
  --enrolment-token T  one-time token (env FEDERA_ENROLMENT_TOKEN, config "enrolmentToken")
  --id NAME            the client id to enrol (the token may be bound to it)
  --key-dir DIR        where the private key is kept (env FEDERA_KEY_DIR, config "keyDir")
  --algorithm A        Ed25519 (default) | ECDSA-P256
${COMMON_HELP}`;

/** `--key-dir`, shared by `client enrol` and `client join`. */
export const KEY_DIR_OPTION = { 'key-dir': { type: 'string' } } as const;

const ALGORITHMS: readonly DeviceKeyAlgorithm[] = ['Ed25519', 'ECDSA-P256'];

/** `federa client enrol`. */
export async function enrolCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...COMMON_OPTIONS,
      ...KEY_DIR_OPTION,
      'enrolment-token': { type: 'string' },
      id: { type: 'string' },
      algorithm: { type: 'string', default: 'Ed25519' },
    },
    'client enrol',
  );
  if (values.help) {
    console.log(enrolHelp);
    return 0;
  }
  if (!values.id) throw new UsageError("client enrol needs --id NAME. See 'federa client enrol --help'");
  const algorithm = values.algorithm as DeviceKeyAlgorithm;
  if (!ALGORITHMS.includes(algorithm))
    throw new UsageError(`--algorithm must be ${ALGORITHMS.join(' or ')}, got '${values.algorithm}'`);
  const { api, config } = connect(values);
  const token = config.require(
    'enrolmentToken',
    values['enrolment-token'],
    'enrolment token: --enrolment-token T',
  );
  const keyDir = config.require('keyDir', values['key-dir'], 'key directory: --key-dir DIR');
  const clientId = values.id;
  const key = await safeId(clientId, () =>
    loadOrCreateDeviceKey(new FileKeyStore(keyDir), clientId, algorithm, true),
  );
  let enrolled: { clientId: string; fingerprint: string };
  try {
    enrolled = await enrolDevice({ url: api.baseUrl, token, clientId, key });
  } catch (err) {
    // A refused token is the coordinator's typed error; anything else is an unreachable coordinator.
    if (isFederaError(err)) throw err;
    const why = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = why?.code ?? why?.message ?? (err as Error).message;
    throw new CliError(
      `cannot reach the coordinator at ${api.baseUrl} (${cause}); set --server or FEDERA_URL`,
    );
  }
  console.log(
    values.json
      ? JSON.stringify({ ...enrolled, keyDir })
      : `enrolled ${enrolled.clientId}: key fingerprint ${enrolled.fingerprint} (private key in ${keyDir})`,
  );
  return 0;
}

/**
 * The enrolled key of `clientId` (`--id`) from `--key-dir` / FEDERA_KEY_DIR, or undefined when no key
 * directory is set (a coordinator without identity). A directory without that key is one line.
 */
export async function loadEnrolledKey(
  config: Config,
  flag: string | undefined,
  clientId: string | undefined,
): Promise<DeviceKey | undefined> {
  const keyDir = config.get('keyDir', flag);
  if (keyDir === undefined) return undefined;
  if (clientId === undefined)
    throw new UsageError('--key-dir needs --id NAME, the id the key was enrolled under');
  const key = await safeId(clientId, () => new FileKeyStore(keyDir).load(clientId));
  if (!key)
    throw new CliError(
      `no device key for '${clientId}' in ${keyDir}; run 'federa client enrol --id ${clientId} --key-dir ${keyDir} --enrolment-token T' first`,
    );
  return key;
}

/** FileKeyStore refuses ids unsafe as file names with a TypeError: one usage line instead of a stack. */
async function safeId<T>(clientId: string, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (err) {
    if (err instanceof TypeError && /unsafe client id/.test(err.message))
      throw new UsageError(`--id '${clientId}' cannot name a key file: letters, digits and . _ : @ - only`);
    throw err;
  }
}
