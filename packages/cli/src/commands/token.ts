import { resolve } from 'node:path';
import { ROLES, type Role } from '@federa/server';
import { loadConfig } from '../cli/config.js';
import { UsageError } from '../cli/errors.js';
import { parse } from '../cli/common.js';
import { createToken } from '../cli/tokens-file.js';

export const tokenHelp = `federa token create --role ROLE [options]
Make a bearer token, store only its sha256 in the tokens file 'federa server start --tokens-file'
reads, and print the token once (it is kept nowhere else: copy it now).
  --role ROLE        ${ROLES.join(', ')}
  --tokens-file FILE the file to append to, created with mode 0600 (env FEDERA_TOKENS_FILE,
                     config "tokensFile")
  --note TEXT        who holds it (stored beside the hash)
  --config FILE      JSON config file (default ./federa.config.json when present)
  --json             print {"role", "token", "tokensFile"}
A first run: 'federa token create --role admin --tokens-file tokens.json', then
'federa server start --tokens-file tokens.json'; a running coordinator reads the file at start only.`;

/** `federa token create`. */
export async function tokenCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(tokenHelp);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create') throw new UsageError(`unknown subcommand 'token ${sub}'. See 'federa token --help'`);
  const { values } = parse(
    rest,
    {
      role: { type: 'string' },
      'tokens-file': { type: 'string' },
      note: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    'token create',
  );
  if (values.help) {
    console.log(tokenHelp);
    return 0;
  }
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const file = loadConfig(values.config, process.env).require(
    'tokensFile',
    values['tokens-file'],
    '--tokens-file',
  );
  const path = resolve(file);
  const token = createToken(path, role, values.note);
  if (values.json) console.log(JSON.stringify({ role, token, tokensFile: path }));
  else {
    console.log(token);
    console.error(
      `federa: ${role} token created; only its sha256 is in ${path}. It is shown once: keep it now.`,
    );
  }
  return 0;
}
