import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import { animationsDone, draw, hostServer, launch, ROOT, SCREENSHOTS, type Stroke } from './helpers';

// number mode, in a real browser against wrangler dev serving the default model: the wide pad on the
// page (its Digit / Number toggle), in /widget?mode=number and in embed.js with data-mode="number" on
// another origin. numbers written with the mouse, a photo of a number, axe-core and screenshots.

const worker = inject('worker');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const NUMBER_PHOTO = join(ROOT, 'test/fixtures/jpeg/number-640x480.jpg'); // MNIST test digits 305218

/** one digit's strokes in its own box (0..1 across and down), written the way people do */
const GLYPHS: Record<string, Stroke[]> = {
  '0': [Array.from({ length: 31 }, (_, i) => { const t = -Math.PI / 2 - (2 * Math.PI * i) / 28; return [0.5 + 0.3 * Math.cos(t), 0.5 + 0.42 * Math.sin(t)] as [number, number]; })],
  '2': [[[0.2, 0.3], [0.35, 0.1], [0.65, 0.1], [0.78, 0.3], [0.6, 0.55], [0.2, 0.9], [0.82, 0.9]]],
  '4': [[[0.45, 0.08], [0.22, 0.6], [0.82, 0.6]], [[0.66, 0.3], [0.66, 0.94]]],
  '5': [[[0.75, 0.1], [0.3, 0.1], [0.27, 0.45], [0.6, 0.42], [0.77, 0.62], [0.65, 0.88], [0.25, 0.88]]],
};

/**
 * a number's strokes in pad units of the 3:1 number pad: each digit in a box 0.15 of the width and
 * 0.65 of the height, 0.2 apart, a little uneven (a hand is not a printer): baselines and heights
 * wander by a few percent and the strokes lean slightly right
 */
function written(text: string): Stroke[] {
  const start = 0.5 - (0.2 * text.length - 0.05) / 2;
  return [...text].flatMap((ch, i) => {
    const x0 = start + 0.2 * i + 0.006 * Math.sin(3 * i);
    const y0 = 0.17 + 0.03 * Math.sin(2 * i + 1);
    const h = 0.65 * (1 + 0.04 * Math.cos(5 * i));
    return GLYPHS[ch].map((stroke) => stroke.map(([x, y]) => [x0 + 0.15 * (x + 0.08 * (1 - y)), y0 + h * y] as [number, number]));
  });
}

let browser: Browser;
let host: Awaited<ReturnType<typeof hostServer>>;

const hostPage = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Numbers</title><link rel="icon" href="data:,"></head><body><h1>A form</h1>${body}</body></html>`;

beforeAll(async () => {
  browser = await launch();
  host = await hostServer((w) => ({ '/number.html': hostPage(`<script src="${w}/embed.js" data-mode="number" data-theme="light"></script>`) }), worker);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** a tab whose POST /read requests are kept */
async function open(url: string, viewport = { width: 1100, height: 820 }): Promise<{ tab: Page; reads: Request[] }> {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const tab = await context.newPage();
  const reads: Request[] = [];
  tab.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/read') reads.push(r);
  });
  await tab.goto(url);
  return { tab, reads };
}

const text = (tab: Page) => tab.getByTestId('prediction').textContent();

async function writeAndRead(tab: Page, number: string) {
  await tab.getByTestId('clear').click();
  await draw(tab, tab.getByTestId('pad'), written(number));
  await expect.poll(() => text(tab), { timeout: 10_000 }).toBe(number);
}

/** what a sent png says of itself: size, and that it fits the free plan as the Worker counts it */
function pngHeader(body: Buffer) {
  return { width: body.readUInt32BE(16), height: body.readUInt32BE(20), colorType: body[25], bytes: body.length };
}

describe('number mode on the page', () => {
  it('reads "42" and "2025" written with the mouse on the wide pad, drawing each digit\'s box and reading', async () => {
    const { tab, reads } = await open(`${worker}/`);
    // digit mode is the default: a square pad
    expect(await tab.getByTestId('mode-digit').getAttribute('aria-pressed')).toBe('true');
    let box = (await tab.getByTestId('pad').boundingBox())!;
    expect(box.width).toBeCloseTo(box.height, 0);

    await tab.getByTestId('mode-number').click();
    expect(await tab.getByTestId('mode-number').getAttribute('aria-pressed')).toBe('true');
    box = (await tab.getByTestId('pad').boundingBox())!;
    expect(box.width).toBeCloseTo(600, 0);
    expect(box.height).toBeCloseTo(200, 0);
    expect(await tab.getByTestId('pad').getAttribute('aria-label')).toMatch(/number/);

    await writeAndRead(tab, '42');
    await writeAndRead(tab, '2025');
    expect(await tab.locator('.mw-confidence').textContent()).toMatch(/^4 digits, the least sure/);
    expect(await tab.locator('main h1').textContent()).toBe('Write a number');
    expect(await tab.title()).toBe('Write a number · mnist-edge');
    // the marks: something drawn over the pad for each digit
    const marked = await tab.getByTestId('marks').evaluate((c: HTMLCanvasElement) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(marked).toBeGreaterThan(0);
    // what went up: gray pngs within the free plan's limits, and no /classify calls
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const r of reads) {
      const png = pngHeader(r.postDataBuffer()!);
      expect(png.colorType).toBe(0);
      expect(png.bytes).toBeLessThanOrEqual(LIMITS.free.imageBytes);
      expect(png.height * (png.width + 1)).toBeLessThanOrEqual(LIMITS.free.imageDataBytes);
      expect(png.width / png.height).toBeCloseTo(3, 1);
    }
    // and back to digits: the square pad, a single digit as before
    await tab.getByTestId('mode-digit').click();
    box = (await tab.getByTestId('pad').boundingBox())!;
    expect(box.width).toBeCloseTo(box.height, 0);
    expect(await text(tab)).toBe('');
    expect(await tab.locator('main h1').textContent()).toBe('Draw a digit');
    expect(await tab.title()).toBe('Draw a digit · mnist-edge');
    await tab.context().close();
  });

  it('reads a photo of a number picked with "Use a photo": "305218"', async () => {
    const { tab, reads } = await open(`${worker}/?mode=number`);
    expect(await tab.getByTestId('mode-number').getAttribute('aria-pressed')).toBe('true');
    await tab.getByTestId('photo-input').setInputFiles(NUMBER_PHOTO);
    await expect.poll(() => text(tab), { timeout: 10_000 }).toBe('305218');
    expect(await tab.getByTestId('photo').isVisible()).toBe(true);
    expect(reads).toHaveLength(1);
    const png = pngHeader(reads[0].postDataBuffer()!);
    expect(png.bytes).toBeLessThanOrEqual(LIMITS.free.imageBytes);
    expect(png.width / png.height).toBeCloseTo(640 / 480, 1);
    await tab.context().close();
  });

  it('passes axe-core with "2025" read and with the photo read, and the toggle works from the keyboard', async () => {
    const { tab } = await open(`${worker}/`);
    await tab.getByTestId('mode-digit').focus();
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mode-number');
    await tab.keyboard.press('Space');
    expect(await tab.getByTestId('mode-number').getAttribute('aria-pressed')).toBe('true');
    await writeAndRead(tab, '2025');
    for (const scheme of ['light', 'dark'] as const) {
      await tab.emulateMedia({ colorScheme: scheme });
      await animationsDone(tab);
      expect(await violations(tab)).toEqual([]);
    }
    await tab.getByTestId('photo-input').setInputFiles(NUMBER_PHOTO);
    await expect.poll(() => text(tab), { timeout: 10_000 }).toBe('305218');
    expect(await violations(tab)).toEqual([]);
    await tab.screenshot({ path: join(SCREENSHOTS, 'page-number-photo.png'), fullPage: true });
    // Delete on the focused pad clears it
    await tab.getByTestId('pad').focus();
    await tab.keyboard.press('Delete');
    expect(await text(tab)).toBe('');
    await tab.context().close();
  });

  it('looks right with "2025" read at desktop and phone widths (screenshots)', async () => {
    for (const [name, viewport] of [['page-number.png', { width: 1100, height: 820 }], ['page-number-375px.png', { width: 375, height: 740 }]] as const) {
      const { tab } = await open(`${worker}/?mode=number`, viewport);
      const box = (await tab.getByTestId('pad').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width); // the pad fits the screen
      await writeAndRead(tab, '2025');
      await animationsDone(tab);
      await tab.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
      // docs/screenshot-number.png is committed: refreshed only when asked, as page.test.ts does docs/screenshot.png
      if (process.env.UPDATE_DOCS_SCREENSHOT && name === 'page-number.png') await tab.locator('main').screenshot({ path: join(ROOT, 'docs/screenshot-number.png') });
      await tab.context().close();
    }
  });
});

describe('number mode in /widget and embed.js', () => {
  it('/widget?mode=number reads "42", "2025" and a photo in the 640×340 frame docs/embedding.md gives it, and passes axe-core', async () => {
    const { tab } = await open(`${worker}/widget?mode=number`, { width: 640, height: 340 });
    await writeAndRead(tab, '42');
    await writeAndRead(tab, '2025');
    expect(await violations(tab)).toEqual([]);
    await tab.getByTestId('photo-input').setInputFiles(NUMBER_PHOTO);
    await expect.poll(() => text(tab), { timeout: 10_000 }).toBe('305218');
    // everything fits the frame, a doubt line included, without scrolling
    expect(await tab.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(340);
    expect(await violations(tab)).toEqual([]);
    await tab.screenshot({ path: join(SCREENSHOTS, 'widget-number.png') });
    await tab.context().close();
  });

  it('embed.js with data-mode="number" on another origin reads "42" and "2025" written with the mouse', async () => {
    const { tab, reads } = await open(`${host.origin}/number.html`);
    const box = (await tab.getByTestId('pad').boundingBox())!;
    expect(box.width / box.height).toBeCloseTo(3, 1);
    await writeAndRead(tab, '42');
    await writeAndRead(tab, '2025');
    expect(reads.every((r) => r.url().startsWith(worker))).toBe(true);
    await tab.screenshot({ path: join(SCREENSHOTS, 'embed-number.png') });
    await tab.context().close();
  });
});

async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
