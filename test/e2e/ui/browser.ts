/**
 * Debian's Chromium driven by playwright-core for the UI tests: never downloads a browser,
 * starts headless with the flags this machine's closed network needs, records every page's
 * console errors, uncaught exceptions and requests to other origins, and saves screenshots
 * under `test-artifacts/ui/`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** The skip reason when the browser is missing, else false. */
export const SKIP_NO_CHROMIUM: string | false = existsSync(CHROMIUM) ? false : `Debian's chromium is not installed (${CHROMIUM}); install it with apt-get install chromium to run the UI tests`;

/**
 * The repository root: the nearest ancestor of this module with the `ignis` package.json
 * (these files compile to dist/test/e2e/ui/), else the working directory (a build elsewhere).
 */
export const REPO_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'ignis') return dir;
    } catch {
      // No package.json here.
    }
    dir = dirname(dir);
  }
  return process.cwd();
})();

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'ui');

/** Whether the UI has been built (by `npm run build`). */
export function assertUIBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'web', 'ui', 'dist', 'index.html'))) throw new Error('web/ui/dist is missing: run `npm run build` (which builds the UI) before the UI tests');
}

/** A started browser with one fresh profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /**
   * Opens a page that records problems; `width` defaults to 1280; `origin` (default: the
   * browser's) is the only origin the page may talk to.
   */
  page(width?: number, height?: number, origin?: string): Promise<TestPage>;
  close(): Promise<void>;
}

/** A page plus what went wrong on it. */
export interface TestPage {
  readonly page: Page;
  /** Console errors, page errors, failed requests and requests to any other origin. */
  readonly problems: string[];
  /** Every request URL the page made. */
  readonly requests: string[];
  /**
   * Accepts console errors matching `re` from now on — for Chromium's own "Failed to load
   * resource" line when a test provokes an API error answer on purpose.
   */
  allow(re: RegExp): void;
}

/**
 * Starts Chromium headless with a fresh user-data dir (removed on close); every page may talk
 * to `origin` only.
 */
export async function startBrowser(origin: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ignis-ui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  context.setDefaultTimeout(15_000);
  for (const p of context.pages()) await p.close();
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    async page(width = 1280, height = 900, pageOrigin = origin) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      const problems: string[] = [];
      const requests: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !allowed.some((re) => re.test(m.text()))) problems.push(`console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        const url = r.url();
        requests.push(url);
        if (!url.startsWith(pageOrigin + '/') && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request to another origin: ${url}`);
      });
      page.on('requestfailed', (r) => {
        const why = r.failure()?.errorText ?? '';
        // Requests the app aborts on purpose (a newer query replaced an older one) are fine.
        if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${why}`);
      });
      return { page, problems, requests, allow: (re: RegExp) => void allowed.push(re) };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as `test-artifacts/ui/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Pixel statistics of the graph canvas in a panel. */
export interface CanvasPixels {
  /** Pixels whose color is saturated (series lines; axes and grid are gray). */
  colored: number;
  total: number;
  /** A page coordinate (CSS px) of a colored pixel near the horizontal middle, for hovering. */
  hover: { x: number; y: number } | null;
}

/**
 * Browser-side source of the pixel count (kept as text: the test build has no DOM types). A
 * pixel counts as colored when its channels differ by more than 60 (axes, grid and background
 * are gray).
 */
const CANVAS_PIXELS_JS = `(index) => {
  const canvas = document.querySelectorAll('[data-testid="graph"] canvas')[index];
  if (!canvas) return { colored: 0, total: 0, hover: null };
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const rect = canvas.getBoundingClientRect();
  const scale = width / rect.width;
  const midX = Math.floor(width * 0.6);
  let colored = 0;
  let hover = null;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) {
        colored++;
        if (hover === null && Math.abs(x - midX) < 2) hover = { x: rect.left + x / scale, y: rect.top + y / scale };
      }
    }
  }
  return { colored, total: width * height, hover };
}`;

/** Counts the colored pixels of the `n`-th graph canvas on the page. */
export async function canvasPixels(page: Page, n = 0): Promise<CanvasPixels> {
  return (await page.evaluate(`(${CANVAS_PIXELS_JS})(${n})`)) as CanvasPixels;
}
