#!/usr/bin/env node
import { isFederaError, ownValue } from '@federa/core';
import { CliError, UsageError } from './cli/errors.js';

const help = `federa <command> [options]
Commands:
  server start                                  run a coordinator
  token create                                  make a bearer token for the coordinator's tokens file
  enrolment-token create                        issue a one-time device enrolment token, scoped to runs
  run create|start|stop|status|watch|list       manage training runs
  client join|enrol                             join a run with local CSV / NDJSON / IDX data; enrol a device key
  model list|promote|rollback|pull              model registry and artifacts
  sim                                           simulate a federation on bundled MNIST
Run 'federa <command> --help' for a command's options. Settings come from flags,
then FEDERA_* environment variables, then ./federa.config.json (or --config FILE).`;

// Loaded on demand: TF.js and the coordinator are heavy, and `run list` should start fast.
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  server: async () => (await import('./commands/server.js')).serverCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
  'enrolment-token': async () => (await import('./commands/enrolment-token.js')).enrolmentTokenCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  client: async () => (await import('./commands/client.js')).clientCommand,
  model: async () => (await import('./commands/model.js')).modelCommand,
  sim: async () => (await import('./commands/sim.js')).simCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(help);
    return command === undefined ? 2 : 0;
  }
  // `federa constructor` is an unknown command, not Object.
  const load = ownValue(COMMANDS, command);
  if (!load) throw new UsageError(`unknown command '${command}'. Try 'federa --help'`);
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error & { code?: string };
    const usage = err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS');
    const expected = usage || err instanceof CliError || isFederaError(err);
    const code = isFederaError(err) ? `${err.code}: ` : '';
    console.error(`federa: ${code}${e.message.split('\n')[0]}`);
    if (!expected)
      console.error(
        process.env['FEDERA_DEBUG'] ? e.stack : 'unexpected error; set FEDERA_DEBUG=1 for a stack trace',
      );
    process.exitCode = usage ? 2 : 1;
  },
);
