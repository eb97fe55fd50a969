import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** FEDERA_SKIP_BROWSER=1 skips the browser tests (loudly); CI installs Debian's chromium instead. */
export function skipBrowserTests(what: string): boolean {
  const skip = process.env['FEDERA_SKIP_BROWSER'] === '1';
  if (skip) console.warn(`\n*** FEDERA_SKIP_BROWSER=1: the ${what} browser test is SKIPPED ***\n`);
  return skip;
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

/** Launch Debian's headless chromium, or fail with how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), or set FEDERA_SKIP_BROWSER=1 to skip this test`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
