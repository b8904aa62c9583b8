/** Helpers for driving the query page. */
import type { Page } from 'playwright-core';

/** `YYYY-MM-DD HH:mm:ss` in UTC, as the time inputs and upstream's links take it. */
export function formatUTC(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Focuses the `n`-th panel's editor, clears it and types `text` key by key. */
export async function typeInEditor(page: Page, text: string, n = 0): Promise<void> {
  const content = page.locator('.cm-content').nth(n);
  await content.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay: 20 });
}

/** The text of the `n`-th panel's editor. */
export async function editorText(page: Page, n = 0): Promise<string> {
  return page.locator('.cm-content').nth(n).evaluate((el) => {
    const lines = (el as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll('.cm-line');
    return Array.from(lines, (l) => l.textContent ?? '').join('\n');
  });
}

/** Waits until the `n`-th panel has finished loading and shows a drawn graph. */
export async function waitForGraph(page: Page, n = 0): Promise<void> {
  const panel = page.getByTestId('panel').nth(n);
  await panel.locator('[data-testid="graph"] canvas').waitFor();
  await page.waitForFunction(`(() => { const p = document.querySelectorAll('[data-testid="panel"]')[${n}]; return p && p.dataset.loading === '0' && p.dataset.renderMs !== undefined; })()`);
}

/** Waits until the `n`-th panel has finished loading and shows a result table. */
export async function waitForTable(page: Page, n = 0): Promise<void> {
  const panel = page.getByTestId('panel').nth(n);
  await page.waitForFunction(`(() => { const p = document.querySelectorAll('[data-testid="panel"]')[${n}]; return p && p.dataset.loading === '0'; })()`);
  await panel.locator('[data-testid="result-table"]').waitFor();
}

/** Waits until the page's URL (kept with history.replaceState) matches `re`. */
export async function waitForURL(page: Page, re: RegExp): Promise<void> {
  try {
    await page.waitForFunction(`new RegExp(${JSON.stringify(re.source)}).test(location.href)`, undefined, { timeout: 5000 });
  } catch {
    throw new Error(`URL ${page.url()} does not match ${re}`);
  }
}

/**
 * Accepts the completion option labelled exactly `text`: waits for it, moves the selection to it
 * with the arrow keys (as a user would when it is not the first) and presses Enter. CodeMirror
 * ignores keys for a short while after the list (re)opens (its interaction delay), so this waits
 * past it first.
 */
export async function pickCompletion(page: Page, text: string): Promise<void> {
  const options = page.locator('.cm-tooltip-autocomplete li');
  const want = options.filter({ has: page.locator('.cm-completionLabel', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  await want.waitFor();
  await page.waitForTimeout(250);
  for (let i = 0; i < 50 && (await want.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
  if ((await want.getAttribute('aria-selected')) !== 'true') throw new Error(`the completion "${text}" could not be selected`);
  await page.keyboard.press('Enter');
}
