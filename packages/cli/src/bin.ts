#!/usr/bin/env node
import { UsageError, simCommand, simHelp } from './commands/sim.js';

const help = `federa <command> [options]
Commands:
  sim      simulate a federation on bundled MNIST (see: federa sim --help)
Run 'federa <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'sim':
      return simCommand(rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(help);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}'. ${simHelp ? "Try 'federa --help'." : ''}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as Error & { code?: string };
    const known =
      err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS') || e.code?.startsWith('FEDERA_ERR');
    console.error(`federa: ${e.code?.startsWith('FEDERA_ERR') ? `${e.code}: ` : ''}${e.message}`);
    if (!known) console.error(e.stack);
    process.exitCode = known ? 2 : 1;
  },
);
