import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch } from './helpers';

// /widget's ?theme and ?size, which the page's script applies to a static file: what an iframe
// shows once they are applied, how unusable values fall back, and that the frame stays empty until
// then (never a flash of the light default in a dark frame).

const worker = inject('worker');

/** the theme's surface colour (--mw-surface in markup.ts) */
const SURFACE = { light: 'rgb(255, 255, 255)', dark: 'rgb(21, 26, 33)' };

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** /widget<query> in a new tab, wide enough for the largest pad; page errors fail the test */
async function openWidget(query: string, context: BrowserContextOptions = {}, before?: (tab: Page) => Promise<unknown>) {
  const ctx = await browser.newContext({ viewport: { width: 900, height: 900 }, ...context });
  const tab = await ctx.newPage();
  const problems: string[] = [];
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await before?.(tab);
  await tab.goto(`${worker}/widget${query}`);
  return { tab, problems, close: () => ctx.close() };
}

/** what the visitor sees: the theme on the page and the widget, their colours, the pad's side */
const looks = (tab: Page) =>
  tab.evaluate(() => {
    const widget = document.querySelector<HTMLElement>('.mw')!;
    return {
      pageTheme: document.documentElement.dataset.theme,
      widgetTheme: widget.dataset.theme,
      background: getComputedStyle(document.body).backgroundColor,
      surface: getComputedStyle(widget).backgroundColor,
      padWidth: document.querySelector('[data-testid="pad"]')!.getBoundingClientRect().width,
      pending: document.documentElement.hasAttribute('data-pending'),
    };
  });

/** waits until the script applied the query and revealed the widget */
const applied = (tab: Page) => tab.locator('html:not([data-pending]) .mw').waitFor();

describe('/widget?theme=&size=', () => {
  it('renders dark with a 300 px pad for ?theme=dark&size=300', async () => {
    const { tab, problems, close } = await openWidget('?theme=dark&size=300');
    await applied(tab);
    expect(await looks(tab)).toEqual({
      pageTheme: 'dark',
      widgetTheme: 'dark',
      background: SURFACE.dark,
      surface: SURFACE.dark,
      padWidth: 300,
      pending: false,
    });
    expect(await tab.getByTestId('pad').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });

  it.each([
    ['', 'light', 280],
    ['?theme=purple&size=300', 'light', 300],
    ['?theme=Dark&size=300', 'light', 300],
    ['?theme=dark&size=9999', 'dark', 560],
    ['?size=12', 'light', 160],
    ['?theme=&size=big', 'light', 280],
  ])('shows /widget%s in the %s theme with a %i px pad', async (query, theme, side) => {
    const { tab, problems, close } = await openWidget(query);
    await applied(tab);
    const seen = await looks(tab);
    expect(seen).toMatchObject({ pageTheme: theme, widgetTheme: theme, padWidth: side });
    expect(seen.background).toBe(SURFACE[theme as keyof typeof SURFACE]);
    expect(problems).toEqual([]);
    await close();
  });

  it('never takes a query value as markup', async () => {
    const attack = '"><img src=x onerror="window.injected=1"><svg onload="window.injected=2">';
    const query = `?theme=${encodeURIComponent(attack)}&size=${encodeURIComponent(`300px;background:red" onmouseover="window.injected=3`)}`;
    const { tab, problems, close } = await openWidget(query);
    await applied(tab);
    await tab.getByTestId('pad').hover();
    expect(await looks(tab)).toMatchObject({ pageTheme: 'light', widgetTheme: 'light', background: SURFACE.light, padWidth: 280 });
    const page = await tab.evaluate(() => ({
      injected: (window as { injected?: number }).injected ?? null,
      images: document.querySelectorAll('img, svg').length,
      size: document.querySelector<HTMLElement>('.mw')!.style.getPropertyValue('--mw-size'),
      html: document.documentElement.outerHTML,
    }));
    expect(page).toMatchObject({ injected: null, images: 0, size: '280px' });
    expect(page.html).not.toContain('onerror');
    expect(problems).toEqual([]);
    await close();
  });
});

describe('/widget before its script has run', () => {
  it('shows nothing, not the light default, while the script has not applied the query', async () => {
    // the script never arrives: the state every visitor sees between the first paint and the script
    const { tab, close } = await openWidget('?theme=dark&size=300', {}, (t) => t.route('**/assets/app.*.js', (r) => r.abort()));
    await tab.locator('.mw').waitFor({ state: 'attached' });
    expect(await tab.locator('.mw').isVisible()).toBe(false);
    const seen = await looks(tab);
    expect(seen).toMatchObject({ pending: true, background: 'rgba(0, 0, 0, 0)' });
    expect(await tab.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
    await close();
  });

  it('shows the widget with its defaults when scripts are off (<noscript>)', async () => {
    const { tab, close } = await openWidget('?theme=dark&size=300', { javaScriptEnabled: false });
    await tab.locator('.mw').waitFor();
    expect(await looks(tab)).toMatchObject({ pending: true, background: SURFACE.light, padWidth: 280 });
    expect(await tab.locator('.mw').isVisible()).toBe(true);
    await close();
  });
});
