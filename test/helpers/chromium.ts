import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { SYSTEM_TOOLS, skipWithout } from './system-tools.js';

/**
 * True when the browser test `what` is skipped: Debian's chromium is missing (one line says so) and
 * FEDERA_REQUIRE_CHROMIUM is not 1, or FEDERA_SKIP_BROWSER=1 asks for it.
 */
export function skipBrowserTests(what: string): boolean {
  if (process.env['FEDERA_SKIP_BROWSER'] === '1') {
    console.warn(`SKIPPED the ${what} browser test: FEDERA_SKIP_BROWSER=1`);
    return true;
  }
  return skipWithout(SYSTEM_TOOLS.chromium, `the ${what} browser test`);
}

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Debian's headless chromium, or fail with how to get it; `extraArgs` are added flags. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), or set FEDERA_SKIP_BROWSER=1 to skip this test`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
}
