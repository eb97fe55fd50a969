import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What examples/browser-client/src/status.ts keeps on window.federaStatus. */
export type { Status as PageStatus } from '../../examples/browser-client/src/status.js';
import type { Status as PageStatus } from '../../examples/browser-client/src/status.js';

/** The page's status object. */
export const pageStatus = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { federaStatus: PageStatus }).federaStatus);

/** Wait until `done(status)` holds in the page (polled there), up to `timeout` ms. */
export async function untilStatus(
  page: Page,
  done: 'finished-or-error' | 'backend-or-error' | 'prediction-or-error',
  timeout = 240_000,
): Promise<PageStatus> {
  await page.waitForFunction(
    (which) => {
      const s = (globalThis as unknown as { federaStatus: PageStatus }).federaStatus;
      if (s.error !== undefined) return true;
      if (which === 'finished-or-error') return s.state === 'finished';
      if (which === 'backend-or-error') return s.backendName !== undefined;
      return s.prediction !== undefined;
    },
    done,
    { timeout, polling: 250 },
  );
  return pageStatus(page);
}

/** Settings the page takes in its URL and form. */
export interface JoinSettings {
  site: string;
  server: string;
  run: string;
  id: string;
  csv: string;
  token?: string;
  enrolmentToken?: string;
  /** `?backend=` (e.g. `wasm`: a missing wasm file is fatal). */
  backend?: string;
}

/** Open the example page as a user would: URL settings, tokens typed in, a file picked, Join pressed. */
export async function joinFromPage(
  browser: Browser | BrowserContext,
  s: JoinSettings,
): Promise<{ page: Page; errors: string[]; requests: URL[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: URL[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(new URL(r.url())));
  const query = new URLSearchParams({
    server: s.server,
    run: s.run,
    id: s.id,
    label: 'diabetes',
    categorical: 'sex,smoking',
    ...(s.backend ? { backend: s.backend } : {}),
  });
  await page.goto(`${s.site}/?${query}`);
  if (s.token) await page.fill('#token', s.token);
  if (s.enrolmentToken) await page.fill('#enrolment-token', s.enrolmentToken);
  await page.setInputFiles('#data', s.csv);
  await page.click('#join-button');
  return { page, errors, requests };
}
