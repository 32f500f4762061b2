import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DIGITS, draw, launch, type Stroke } from './helpers';

// the uncertain flag in a real browser: what the page and the widget show when the drawing is not
// one digit, from the Worker and from the in-browser classification alike.

const worker = inject('worker');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await page?.close();
});

/** strokes moved into the box [x, x + w] × [y, y + h] of the pad */
const into = (strokes: Stroke[], x: number, y: number, w: number, h: number): Stroke[] =>
  strokes.map((s) => s.map(([px, py]) => [x + px * w, y + py * h] as [number, number]));

/** "17": a 1 in the left half, a 7 in the right half, as a number is written */
const TWO_DIGITS = [...into(DIGITS['1'], 0.02, 0.15, 0.45, 0.7), ...into(DIGITS['7'], 0.5, 0.15, 0.45, 0.7)];

/** a patch scratched out with a dense zigzag: lines closer together than the pen is wide */
const SCRIBBLE: Stroke[] = [Array.from({ length: 15 }, (_, i) => [i % 2 ? 0.75 : 0.25, 0.25 + i * (0.5 / 14)] as [number, number])];

async function open(path: '/' | '/widget') {
  page = await browser.newPage({ viewport: { width: 1100, height: 820 } });
  await page.goto(`${worker}${path}`);
}

const flag = () => page.getByTestId('uncertain');
const prediction = () => page.getByTestId('prediction').textContent();

async function drawFresh(strokes: Stroke[]) {
  await page.getByTestId('clear').click();
  await draw(page, page.getByTestId('pad'), strokes);
}

describe('the uncertain flag on the drawing page', () => {
  beforeEach(() => open('/'));

  it('stays hidden for one clearly drawn digit', async () => {
    await drawFresh(DIGITS['7']);
    await expect.poll(prediction).toBe('7');
    await expect.poll(() => page.getByTestId('source').textContent()).toMatch(/^answered by the Worker/);
    expect(await flag().isHidden()).toBe(true);
  });

  it('asks whether two digits side by side are one digit', async () => {
    await drawFresh(TWO_DIGITS);
    // answers to the drawing while it is half done may doubt it for another reason: wait for the last
    await expect.poll(() => flag().textContent()).toBe('Not sure — is this one digit?');
    expect(await flag().isVisible()).toBe(true);
    expect(await prediction()).not.toBe(''); // the answer is still shown, with the doubt beside it
  });

  it('flags a scribble, and hides the flag again for a digit and on clear', async () => {
    await drawFresh(SCRIBBLE);
    await expect.poll(() => flag().isVisible()).toBe(true);
    expect(await flag().textContent()).toMatch(/^Not sure — /);
    await drawFresh(DIGITS['0']);
    await expect.poll(prediction).toBe('0');
    await expect.poll(() => flag().isHidden()).toBe(true);
    await drawFresh(TWO_DIGITS);
    await expect.poll(() => flag().isVisible()).toBe(true);
    await page.getByTestId('clear').click();
    expect(await flag().isHidden()).toBe(true);
  });

  it('shows the same flag when the browser classifies', async () => {
    await page.getByText('Classify in your browser').click();
    await drawFresh(TWO_DIGITS);
    await expect.poll(() => page.getByTestId('source').textContent()).toMatch(/^answered in your browser/);
    // answers to the drawing while it is half done may doubt it for another reason: wait for the last
    await expect.poll(() => flag().textContent()).toBe('Not sure — is this one digit?');
    expect(await flag().isVisible()).toBe(true);
  });
});

describe('the uncertain flag in the widget', () => {
  beforeEach(() => open('/widget'));

  it('asks whether two digits side by side are one digit', async () => {
    await drawFresh(TWO_DIGITS);
    // answers to the drawing while it is half done may doubt it for another reason: wait for the last
    await expect.poll(() => flag().textContent()).toBe('Not sure — is this one digit?');
    expect(await flag().isVisible()).toBe(true);
  });
});
