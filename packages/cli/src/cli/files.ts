import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './errors.js';

const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/**
 * Throw a CliError unless a file can be written at `path` (its directory exists and is writable, and
 * `path` is not a directory): checked before a long command runs, not found out at its first write.
 */
export function assertWritablePath(path: string, what: string): void {
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`${what} ${path}: ${dir} is not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${what} ${path}: cannot write in ${dir} (${reason(err)})`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // Absent: it will be created.
  }
  if (isDirectory) throw new CliError(`${what} ${path}: is a directory`);
}

/** `mkdir -p dir`, throwing a CliError naming it. */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot create ${dir}: ${reason(err)}`);
  }
}

/**
 * Write `data` to `path` whole: into a temporary file beside it, then renamed over it, so a reader
 * (a plot refreshing while a run trains) never sees half a file; `mode` is the file's, exactly.
 * Throws a CliError naming the path.
 */
export function writeWholeFile(path: string, data: string | Uint8Array, mode?: number): void {
  const temp = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temp, data, mode === undefined ? undefined : { mode });
    // The umask can only narrow a mode given at creation; this makes it exact.
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (err) {
    // A half-written temporary file (disk full) is not left beside the target.
    rmSync(temp, { force: true });
    throw new CliError(`cannot write ${path}: ${reason(err)}`);
  }
}
