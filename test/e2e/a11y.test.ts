import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { animationsDone, DIGITS, draw, launch, ROOT } from './helpers';

// axe-core (a devDependency) run inside the page, as a browser extension would: /, /widget and
// /docs must have no violations of any impact, as they load and with an answer, a photo and the
// correction keys on screen, in the light and the dark theme. and the keyboard path of a correction.

const worker = inject('worker');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launch();
  // the pages' CSP allows no inline scripts: only the test's own injection bypasses it
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 820 } });
});

afterAll(async () => {
  await browser?.close();
});

interface Violation {
  id: string;
  impact: string;
  nodes: string[];
}

async function violations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  });
}

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${worker}${path}`);
  await page.locator('html:not([data-pending])').waitFor();
  return page;
}

describe('axe-core finds no accessibility violations', () => {
  it.each(['/', '/widget', '/widget?theme=dark', '/docs'])('on %s as it loads', async (path) => {
    const page = await open(path);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it.each([
    ['/', 'light'],
    ['/', 'dark'],
    ['/widget', 'light'],
    ['/widget?theme=dark', 'dark'],
  ] as const)('on %s (%s) with an answer, a photo and the correction keys open', async (path, scheme) => {
    const page = await open(path);
    await page.emulateMedia({ colorScheme: scheme });
    await draw(page, page.getByTestId('pad'), DIGITS['7']);
    await expect.poll(() => page.getByTestId('prediction').textContent()).toBe('7');
    await page.getByTestId('feedback-open').click();
    await animationsDone(page);
    expect(await violations(page)).toEqual([]);

    await page.getByTestId('photo-input').setInputFiles(join(ROOT, 'test/fixtures/photos/digit-photo.jpg'));
    await expect.poll(() => page.getByTestId('prediction').textContent()).toBe('8');
    await animationsDone(page);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});

describe('a correction from the keyboard', () => {
  /** where the focus is: the element's test id or text, or BODY when it was lost */
  const focus = (page: Page) => page.evaluate(() => {
    const el = document.activeElement;
    return !el || el === document.body ? 'BODY' : (el.getAttribute('data-testid') ?? el.textContent);
  });

  it.each(['/', '/widget'])('keeps the focus on %s once it is sent, with a visible prompt over the keys', async (path) => {
    const page = await open(path);
    await draw(page, page.getByTestId('pad'), DIGITS['1']);
    await expect.poll(() => page.getByTestId('prediction').textContent()).toBe('1');
    await page.getByTestId('feedback-open').focus();
    await page.keyboard.press('Enter');
    expect(await focus(page)).toBe('feedback-0');
    expect(await page.getByText('Which digit did you mean?').isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focus(page)).toBe('feedback-7');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('feedback-status').textContent()).toMatch(/Saved as a 7/);
    expect(await focus(page)).toBe('feedback-status');
    // and Tab carries on from there, not from the top of the page
    await page.keyboard.press('Tab');
    expect(await focus(page)).not.toBe('BODY');
    expect(await page.evaluate(() => document.activeElement?.closest('.mw') !== null || document.activeElement?.closest('footer') !== null)).toBe(true);
    await page.close();
  });
});
