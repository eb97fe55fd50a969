import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A Debian package some tests need; the test is skipped without it unless FEDERA_REQUIRE_<ENV>=1. */
export interface SystemTool {
  /** Suffix of the FEDERA_REQUIRE_* variable, e.g. `CHROMIUM`. */
  env: string;
  /** The Debian package that provides it. */
  apt: string;
  available: () => boolean;
}

const onPath =
  (command: string, ...args: string[]) =>
  () =>
    spawnSync(command, args, { stdio: 'ignore' }).status === 0;

/** The system tools the suite knows; `.ci/run` installs each one and sets its FEDERA_REQUIRE_* variable. */
export const SYSTEM_TOOLS = {
  chromium: { env: 'CHROMIUM', apt: 'chromium', available: () => existsSync('/usr/bin/chromium') },
  promtool: { env: 'PROMTOOL', apt: 'prometheus', available: onPath('promtool', '--version') },
  redis: { env: 'REDIS', apt: 'redis-server', available: onPath('redis-server', '--version') },
  torch: { env: 'TORCH', apt: 'python3-torch', available: onPath('/usr/bin/python3', '-c', 'import torch') },
  pythonProtobuf: {
    env: 'PYTHON_PROTOBUF',
    apt: 'python3-protobuf',
    available: onPath('/usr/bin/python3', '-c', 'import google.protobuf'),
  },
} as const satisfies Record<string, SystemTool>;

const announced = new Set<string>();

/**
 * True when `what` must be skipped because a system tool is missing. Prints one line naming the
 * apt package; throws instead when FEDERA_REQUIRE_<ENV>=1, so CI never skips silently.
 *
 * @example
 * describe.skipIf(skipWithout(SYSTEM_TOOLS.chromium, 'dashboard browser test'))('dashboard', () => { … });
 */
export function skipWithout(tool: SystemTool, what: string): boolean {
  if (tool.available()) return false;
  const variable = `FEDERA_REQUIRE_${tool.env}`;
  if (process.env[variable] === '1') {
    throw new Error(`${variable}=1 but ${tool.apt} is not installed (apt-get install ${tool.apt})`);
  }
  const line = `SKIPPED ${what}: needs ${tool.apt} (apt-get install ${tool.apt}; FEDERA_REQUIRE_${tool.env}=1 makes it required)`;
  if (!announced.has(line)) console.warn(line);
  announced.add(line);
  return true;
}
