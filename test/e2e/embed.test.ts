import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { animationsDone, DIGITS, draw, hostServer, launch, SCREENSHOTS } from './helpers';

// the three ways to put the recognizer on another site, each on a page served from a different
// origin than the worker, under a strict CSP that only allows the worker's origin.

const worker = inject('worker');

/** styles a careless host page might have: none of them may reach into the widget */
const HOSTILE_CSS = `
* { font-family: "Comic Sans MS", cursive !important; box-sizing: content-box !important; }
canvas { display: none !important; }
button { background: #ff0 !important; padding: 40px !important; }
p, output { font-size: 30px !important; }
body { font-size: 22px; color: #c00; margin: 24px; }
`;

const page = (title: string, head: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/host.css">${head}</head><body>${body}</body></html>`;

const files = (w: string): Record<string, string> => ({
  '/host.css': HOSTILE_CSS,
  '/script.html': page(
    'A blog post',
    '',
    `<h1>My blog</h1><p class="mw-digit" id="host-digit">Some text with the widget's class names.</p><button class="mw-btn" id="host-button">host button</button>
<script src="${w}/embed.js" data-theme="dark" data-size="280"></script><p>After the widget.</p>`,
  ),
  '/target.html': page(
    'Target',
    `<script src="${w}/embed.js" data-target="#slot" data-theme="light" data-size="240" data-endpoint="${w}"></script>`,
    `<h1>Put it there</h1><div id="slot"></div>`,
  ),
  '/iframe.html': page('Iframe', '', `<h1>In a frame</h1><iframe src="${w}/widget?theme=dark" width="320" height="420" title="Draw a digit"></iframe>`),
  '/client.html': page('Client', '<script type="module" src="/client-test.js"></script>', '<h1>client.js</h1>'),
  '/client-test.js': `
import { classify, ClassifyError } from '${w}/client.js';
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 200;
const ctx = canvas.getContext('2d');
ctx.fillStyle = '#fff';
ctx.fillRect(0, 0, 200, 200);
ctx.strokeStyle = '#111';
ctx.lineWidth = 18;
ctx.lineCap = ctx.lineJoin = 'round';
ctx.beginPath(); ctx.moveTo(55, 40); ctx.lineTo(145, 40); ctx.lineTo(90, 170); ctx.stroke();
const bar = new Array(784).fill(0);
for (let y = 4; y < 24; y++) bar[y * 28 + 13] = bar[y * 28 + 14] = 255;
// the 784 pixels client.js sends for each input it preprocesses in the page
const sent = [];
const realFetch = window.fetch;
window.fetch = (url, init) => {
  if (init && typeof init.body === 'string') sent.push(JSON.parse(init.body).pixels);
  return realFetch(url, init);
};
const pixelsSent = async (run) => {
  const before = sent.length;
  const answer = await run();
  return { digit: answer.digit, pixels: sent[before] };
};
window.results = (async () => {
  const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
  const img = new Image();
  img.src = URL.createObjectURL(blob);
  const out = {
    canvas: await classify(canvas),
    imageData: await pixelsSent(() => classify(ctx.getImageData(0, 0, 200, 200))),
    canvasPixels: await pixelsSent(() => classify(canvas)),
    blob: (await classify(blob)).digit,
    image: await pixelsSent(() => classify(img)),
    pixels: (await classify(bar)).digit,
  };
  // what the worker made of Chromium's PNG: the same blob as client.js sends, with the pixels it saw
  const seen = await (await realFetch('${w}/classify?return_input=true', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: blob })).json();
  out.blobPixels = { digit: seen.digit, pixels: seen.preprocessed.map(Math.round) };
  try { await classify([1, 2, 3]); } catch (e) { out.wrongLength = e.message; }
  try { await classify(new Blob(['not a png'], { type: 'image/png' })); } catch (e) { out.apiError = { isClassifyError: e instanceof ClassifyError, code: e.code, status: e.status }; }
  return out;
})();
`,
});

let browser: Browser;
let host: Awaited<ReturnType<typeof hostServer>>;

beforeAll(async () => {
  [browser, host] = await Promise.all([launch(), hostServer(files, worker)]);
  expect(new URL(host.origin).origin).not.toBe(new URL(worker).origin);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** a new tab that fails the test on page errors and CSP violations */
async function open(path: string, viewport = { width: 900, height: 760 }): Promise<{ tab: Page; problems: string[] }> {
  const tab = await browser.newPage({ viewport });
  const problems: string[] = [];
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await tab.goto(host.origin + path);
  return { tab, problems };
}

describe('embed.js on another origin', () => {
  it('renders the widget in an open shadow root where the script tag is, and recognizes a drawing', async () => {
    const { tab, problems } = await open('/script.html');
    const embed = tab.locator('[data-mnist-embed]');
    await expect.poll(() => embed.count()).toBe(1);
    expect(await embed.evaluate((el) => el.shadowRoot?.mode)).toBe('open');
    // right after its script tag, and nothing of it in the page's own DOM
    expect(await embed.evaluate((el) => (el.previousElementSibling as HTMLScriptElement).src)).toBe(`${worker}/embed.js`);
    expect(await tab.evaluate(() => document.querySelectorAll('[data-testid]').length)).toBe(0);

    const pad = tab.getByTestId('pad'); // playwright's test-id locators pierce open shadow roots
    expect((await pad.boundingBox())!.width).toBe(280);
    await draw(tab, pad, DIGITS['7']);
    await expect.poll(() => tab.getByTestId('prediction').textContent()).toBe('7');
    expect(await tab.getByTestId('source').textContent()).toMatch(/^answered by the Worker \(model v[0-9a-f]{8}\)$/);
    await animationsDone(tab);
    await tab.screenshot({ path: join(SCREENSHOTS, 'embed-script.png') });
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('keeps the host page styles out and its own styles in', async () => {
    const { tab } = await open('/script.html');
    await tab.getByTestId('pad').waitFor();
    const inside = await tab.locator('[data-mnist-embed]').evaluate((el) => {
      const root = el.shadowRoot!;
      const style = (sel: string) => getComputedStyle(root.querySelector(sel)!);
      return {
        padDisplay: style('[data-testid="pad"]').display,
        clearPadding: style('[data-testid="clear"]').paddingTop,
        clearBackground: style('[data-testid="clear"]').backgroundColor,
        font: style('.mw').fontFamily,
        digitSize: style('[data-testid="prediction"]').fontSize,
        surface: style('.mw').backgroundColor,
        theme: root.querySelector('.mw')!.getAttribute('data-theme'),
      };
    });
    expect(inside.padDisplay).toBe('block');
    expect(inside.clearPadding).not.toBe('40px');
    expect(inside.clearBackground).not.toBe('rgb(255, 255, 0)');
    expect(inside.font).not.toMatch(/Comic Sans/);
    expect(inside.digitSize).toBe('46px');
    expect(inside.theme).toBe('dark');
    expect(inside.surface).toBe('rgb(21, 26, 33)');

    // the widget's class names on host elements get nothing from the widget's stylesheet
    const outside = await tab.evaluate(() => ({
      digitSize: getComputedStyle(document.getElementById('host-digit')!).fontSize,
      buttonRadius: getComputedStyle(document.getElementById('host-button')!).borderTopLeftRadius,
    }));
    expect(outside).toEqual({ digitSize: '30px', buttonRadius: '0px' });
    await tab.close();
  });

  it('renders into data-target when the script is in <head>, with the size and endpoint given', async () => {
    const { tab, problems } = await open('/target.html');
    const embed = tab.locator('#slot > [data-mnist-embed]');
    await expect.poll(() => embed.count()).toBe(1);
    expect((await tab.getByTestId('pad').boundingBox())!.width).toBe(240);
    await draw(tab, tab.getByTestId('pad'), DIGITS['0']);
    await expect.poll(() => tab.getByTestId('prediction').textContent()).toBe('0');
    await tab.getByTestId('clear').click();
    expect(await tab.getByTestId('prediction').textContent()).toBe('');
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('takes a correction in the widget', async () => {
    const { tab, problems } = await open('/script.html');
    await draw(tab, tab.getByTestId('pad'), DIGITS['1']);
    await expect.poll(() => tab.getByTestId('prediction').textContent()).toBe('1');
    await tab.getByTestId('feedback-open').click();
    await tab.getByTestId('feedback-4').click();
    await expect.poll(() => tab.getByTestId('feedback-status').textContent()).toMatch(/Saved as a 4/);
    expect(problems).toEqual([]);
    await tab.close();
  });
});

describe('the /widget iframe on another origin', () => {
  it('loads in a 320×420 frame, fits it, and recognizes a drawing', async () => {
    const { tab, problems } = await open('/iframe.html');
    const frame = tab.frameLocator('iframe');
    const pad = frame.getByTestId('pad');
    await pad.waitFor();
    await draw(tab, pad, DIGITS['0']);
    await expect.poll(() => frame.getByTestId('prediction').textContent()).toBe('0');
    await frame.getByTestId('feedback-open').click(); // the tallest state: the digit keys open
    const size = await frame.locator('body').evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    expect(size[0]).toBeLessThanOrEqual(320);
    expect(size[1]).toBeLessThanOrEqual(420);
    await animationsDone(tab.frame({ url: /\/widget/ })!);
    await tab.screenshot({ path: join(SCREENSHOTS, 'embed-iframe.png') });
    expect(problems).toEqual([]);
    await tab.close();
  });
});

describe('client.js on another origin', () => {
  it('classifies a canvas, ImageData, an <img>, a PNG blob and 784 pixels, and rejects bad input', async () => {
    const { tab, problems } = await open('/client.html');
    await tab.waitForFunction(() => (window as any).results !== undefined);
    const results = await tab.evaluate(() => (window as any).results);
    expect(results.canvas).toMatchObject({ digit: 7, model: { version: expect.stringMatching(/^[0-9a-f]{16}$/) } });
    expect(results.canvas.probabilities).toHaveLength(10);
    expect([results.imageData.digit, results.blob, results.image.digit, results.blobPixels.digit]).toEqual([7, 7, 7, 7]);
    // Chromium's canvas.toBlob PNG, decoded and preprocessed by the worker, is pixel for pixel what
    // client.js makes of the same canvas through getImageData (and of the PNG decoded by Chromium)
    const reference: number[] = results.imageData.pixels;
    expect(reference).toHaveLength(784);
    expect(reference.filter((v) => v > 0).length).toBeGreaterThan(50);
    for (const [path, pixels] of [['toBlob PNG through the worker', results.blobPixels.pixels], ['canvas', results.canvasPixels.pixels], ['<img> of the PNG', results.image.pixels]] as const) {
      const bad = reference.findIndex((v, i) => v !== pixels[i]);
      expect(bad, `${path}: pixel ${bad} is ${pixels[bad]}, getImageData gives ${reference[bad]}`).toBe(-1);
    }
    expect(results.pixels).toBe(1);
    expect(results.wrongLength).toMatch(/expected 784 pixel values/);
    expect(results.apiError).toMatchObject({ isClassifyError: true, status: expect.any(Number) });
    expect(results.apiError.status).toBeGreaterThanOrEqual(400);
    expect(problems.filter((p) => !/status of 4\d\d/.test(p))).toEqual([]); // the bad PNG's 4xx is expected
    await tab.close();
  });
});
