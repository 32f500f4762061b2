import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadExtra } from '../../scripts/lib/extra-data';
import { percent } from '../../web/widget/view'; // the page's percentage format
import { animationsDone, DIGITS, draw, inkOn, launch, ROOT, SCREENSHOTS } from './helpers';

// the drawing page in a real browser against wrangler dev serving a real model. each test gets a
// page of its own, so none depends on what an earlier one drew, switched or opened.

const worker = inject('worker');
const run = promisify(execFile);
const ENV = { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

let browser: Browser;
let page: Page;
let requests: Request[];

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  requests = [];
  page.on('request', (r) => requests.push(r));
  await page.goto(`${worker}/`);
  await page.getByTestId('model-accuracy').filter({ hasText: /^\d+\.\d\d%$/ }).waitFor();
});

afterEach(async () => {
  await page?.close();
});


const pad = () => page.getByTestId('pad');
const prediction = () => page.getByTestId('prediction').textContent();
const source = () => page.getByTestId('source').textContent();

async function drawDigit(digit: string) {
  await page.getByTestId('clear').click();
  await draw(page, pad(), DIGITS[digit]);
}

describe('the drawing page', () => {
  it.each(['1', '7', '0', '4'])('recognizes a %s drawn with the mouse, answered by the Worker', async (digit) => {
    await drawDigit(digit);
    await expect.poll(prediction).toBe(digit);
    expect(await source()).toMatch(/^answered by the Worker \(model v[0-9a-f]{16}\)$/);
    // the 28×28 preview shows what was sent
    expect(await inkOn(page.getByTestId('seen'), 0)).toBeGreaterThan(0);
  });

  it('predicts while the stroke is still being drawn', async () => {
    await page.getByTestId('clear').click();
    const box = (await pad().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 20 });
    await expect.poll(prediction).not.toBe('');
    await page.mouse.up();
    await expect.poll(prediction).toBe('1');
  });

  it('shows the model version and its test accuracy from /model', async () => {
    const info = await (await fetch(`${worker}/model`)).json();
    expect(await page.getByTestId('model-version').textContent()).toBe(`v${info.version}`);
    expect(await page.getByTestId('model-accuracy').textContent()).toBe(`${(info.testAccuracy * 100).toFixed(2)}%`);
    expect(info.testAccuracy).toBeGreaterThan(0.95);
  });

  it('clears the pad, the prediction and the bars from the keyboard', async () => {
    await drawDigit('7');
    await expect.poll(prediction).toBe('7');
    await page.getByTestId('clear').focus();
    await page.keyboard.press('Enter');
    expect(await prediction()).toBe('');
    expect(await source()).toBe('');
    expect(await inkOn(pad())).toBe(0);
    expect(await inkOn(page.getByTestId('seen'), 0)).toBe(0); // all black
  });

  it('gives the same answer when classifying in the browser, fetching the weights once', async () => {
    await drawDigit('7');
    await expect.poll(prediction).toBe('7');
    const version = (await source())!.match(/v([0-9a-f]{16})/)![1];

    const classifyCalls = () => requests.filter((r) => r.url().endsWith('/classify')).length;
    await page.getByText('Classify in your browser').click();
    await expect.poll(source).toBe(`answered in your browser (model v${version})`);
    expect(await prediction()).toBe('7');
    // the Worker's answer for exactly the pixels the browser classified (the 28×28 preview shows them)
    const seen = await page.getByTestId('seen').evaluate((c: HTMLCanvasElement) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, 28, 28);
      return Array.from({ length: 784 }, (_, i) => data[4 * i]);
    });
    const remote = await (await fetch(`${worker}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels: seen }) })).json();
    expect(remote).toMatchObject({ digit: 7, model: { version } });
    expect(await page.locator('[data-role="confidence"]').textContent()).toBe(`${percent(remote.confidence)} confident`);

    const before = classifyCalls();
    for (const digit of ['0', '1']) {
      await drawDigit(digit);
      await expect.poll(prediction).toBe(digit);
      expect(await source()).toMatch(/^answered in your browser/);
    }
    expect(classifyCalls()).toBe(before); // no calls to the worker while local
    expect(requests.filter((r) => r.url().endsWith('/model/weights'))).toHaveLength(1);

    await page.getByText('Classify in your browser').click();
    await drawDigit('0');
    await expect.poll(source).toMatch(/^answered by the Worker/);
  });

  it('stores a correction, and feedback:export then train --extra pick it up', async () => {
    const scratch = inject('scratch');
    await drawDigit('1');
    await expect.poll(prediction).toBe('1');
    await page.getByTestId('feedback-open').click();
    const sent = page.waitForRequest((r) => r.url().endsWith('/feedback') && r.method() === 'POST');
    await page.getByTestId('feedback-7').click();
    const body = (await sent).postDataJSON();
    await expect.poll(() => page.getByTestId('feedback-status').textContent()).toMatch(/Saved as a 7/);
    expect(body).toMatchObject({ label: 7, predicted: 1, modelVersion: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(body.pixels).toHaveLength(784);

    const out = join(scratch, 'feedback');
    const exported = await run(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/feedback-export.ts', '--persist-to', inject('persistTo'), '--out', out, '--yes'], { cwd: ROOT, env: ENV });
    expect(exported.stdout).toMatch(/^\d+ examples? → /m);
    // the embed tests may store corrections of their own meanwhile: find this one by its pixels
    const lines = readFileSync(join(out, 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const line = lines.find((l) => l.label === 7 && JSON.stringify(l.pixels) === JSON.stringify(body.pixels));
    expect(line).toMatchObject({ label: 7, predicted: 1, modelVersion: body.modelVersion, createdAt: expect.any(String) });
    expect(line.id).toMatch(/^[0-9a-f]{32}$/); // the first 32 hex digits of SHA-256 over the pixels

    // the round trip into training: the loader reads it, the trainer counts it in
    const extra = loadExtra(out);
    expect(extra.count).toBe(lines.length);
    const i = lines.indexOf(line);
    expect(Array.from(extra.images.subarray(i * 784, (i + 1) * 784))).toEqual(body.pixels);
    expect(extra.labels[i]).toBe(7);
    const trained = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/train.ts', '--epochs', '1', '--train-limit', '500', '--threads', '1', '--extra', out, '--extra-max-share', '1', '--no-report', '--out', join(scratch, 'train')],
      { cwd: ROOT, env: ENV },
    );
    expect(trained.stdout).toContain(`--extra: ${lines.length} more training images`);
    const summary = JSON.parse(readFileSync(join(scratch, 'train/summary.json'), 'utf8'));
    expect(summary.epochs[0].samplesPerSec).toBeGreaterThan(0);
  });

  it('looks right on a desktop screen (screenshot)', async () => {
    await drawDigit('7');
    await expect.poll(prediction).toBe('7');
    await animationsDone(page); // the bars' transition
    await page.screenshot({ path: join(SCREENSHOTS, 'page.png'), fullPage: true });
    // the pad's buttons wrap under the pad rather than widen its column and squeeze the answer
    const [pad, answer] = await Promise.all([page.locator('.mw-pad-wrap').boundingBox(), page.locator('.mw-result').boundingBox()]);
    expect(answer!.width).toBeGreaterThan(pad!.width);
    const card = join(SCREENSHOTS, 'page-card.png');
    await page.locator('main').screenshot({ path: card });
    expect(statSync(card).size).toBeLessThan(100 * 1024); // small enough for the docs
    // docs/screenshot.png is committed: refresh it only when asked, so test runs leave the tree clean
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      copyFileSync(card, join(ROOT, 'docs/screenshot.png'));
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'page-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });
});

describe('the drawing page on a phone', () => {
  it('draws with a finger on a 375 px screen without scrolling the page', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    try {
      await phone.goto(`${worker}/`);
      const pad = phone.getByTestId('pad');
      await pad.scrollIntoViewIfNeeded();
      const box = (await pad.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(375 - 2 * 16);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375); // no sideways scrolling
      const scrollBefore = await phone.evaluate(() => window.scrollY);

      // a "1" as a real touch gesture: touchstart, moves, touchend through the DevTools protocol
      const cdp = await phone.context().newCDPSession(phone);
      const point = (y: number) => [{ x: box.x + box.width * 0.5, y: box.y + box.height * y }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(0.15) });
      for (let y = 0.2; y <= 0.85; y += 0.05) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(y) });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });

      await expect.poll(() => phone.getByTestId('prediction').textContent()).toBe('1');
      expect(await phone.evaluate(() => window.scrollY)).toBe(scrollBefore);
      await animationsDone(phone);
      await phone.screenshot({ path: join(SCREENSHOTS, 'page-375px.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  });
});
