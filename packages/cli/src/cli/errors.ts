/** A bad invocation (unknown flag, missing argument): one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** An expected runtime failure (unreachable server, bad file, rejected token): one line, exit code 1. */
export class CliError extends Error {}

/** The coordinator did not answer (refused, reset, or 502/503/504 while it restarts): worth retrying. */
export class UnreachableError extends CliError {}
