import { COMMON_HELP, COMMON_OPTIONS, connect, integer, parse } from '../cli/common.js';
import { UsageError } from '../cli/errors.js';

export const enrolmentTokenHelp = `federa enrolment-token create [--id CLIENT] [--runs ja,jb] [--ttl SECONDS] [options]
Ask the coordinator for a one-time enrolment token (POST /api/enrolment-tokens, an admin token) and
print it once: the coordinator keeps only its sha256. A device enrols its key with it.
  --id CLIENT        the only client id that may enrol with it (default: any id)
  --runs ja,jb       the runs a client enrolled with it may join (default: any run); a hello
                     declaring another run is refused FEDERA_ERR_MEMBERSHIP_NOT_PERMITTED
  --ttl SECONDS      how long it stays valid (default: no expiry; it still works once only)
  --json             print the coordinator's reply {"token", "tokenId", "clientId", "runs", "expiresAt", …}
${COMMON_HELP}`;

interface IssuedToken {
  token: string;
  tokenId: string;
  clientId?: string;
  runs?: string[];
  expiresAt?: string;
}

/** `federa enrolment-token create`. */
export async function enrolmentTokenCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(enrolmentTokenHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create')
    throw new UsageError(`unknown subcommand 'enrolment-token ${sub}'. See 'federa enrolment-token --help'`);
  const { values } = parse(
    rest,
    { ...COMMON_OPTIONS, id: { type: 'string' }, runs: { type: 'string' }, ttl: { type: 'string' } },
    'enrolment-token create',
  );
  if (values.help) {
    console.log(enrolmentTokenHelp);
    return 0;
  }
  const runs = values.runs
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (runs?.length === 0) throw new UsageError('--runs needs at least one run id, e.g. --runs ja,jb');
  const ttl = integer(values.ttl, undefined, 'ttl');
  const { api } = connect(values);
  const issued = await api.json<IssuedToken>('POST', '/api/enrolment-tokens', {
    ...(values.id !== undefined ? { clientId: values.id } : {}),
    ...(runs ? { runs } : {}),
    ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
  });
  if (values.json) console.log(JSON.stringify(issued));
  else {
    console.log(issued.token);
    const scope = [
      `for ${issued.clientId ?? 'any client id'}`,
      `runs ${issued.runs?.join(', ') ?? 'any'}`,
      issued.expiresAt ? `until ${issued.expiresAt}` : 'no expiry',
    ].join('; ');
    console.error(
      `federa: enrolment token ${issued.tokenId} issued (${scope}). It is shown once: pass it now.`,
    );
  }
  return 0;
}
