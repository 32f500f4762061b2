import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodePng } from '../../shared/image/png';
import { LIMITS } from '../../shared/limits';
import { animationsDone, hostServer, inkOn, launch, ROOT, SCREENSHOTS } from './helpers';

// a photo instead of a drawing, in a real browser against wrangler dev: picked with the file
// picker, pasted and dropped on the page, picked in /widget, and passed to client.js from another
// origin. the photos are JPEGs (test/fixtures/photos/, made by test/tools/make-photo-fixtures.ts):
// the browser decodes them and sends a reduced gray PNG, so this does not need the Worker to read JPEG.

const worker = inject('worker');
const PHOTOS = join(ROOT, 'test/fixtures/photos');
/** a 1600×1200 phone-style photo of MNIST test digit 1 (a 2), 149 KiB: larger than the free plan takes */
const PHONE_2 = join(PHOTOS, 'mnist-test-1-phone.jpg');
/** a 960×1280 portrait photo of MNIST test digit 4 (a 4) */
const PHONE_4 = join(PHOTOS, 'mnist-test-4-phone.jpg');
/** the jpegsuite corpus's 240×240 photo of a printed 8 */
const PRINTED_8 = join(PHOTOS, 'digit-photo.jpg');
/** the same pixels as PRINTED_8, tagged EXIF orientation 6: to be shown turned 90° clockwise */
const EXIF_6 = join(PHOTOS, 'exif-orientation-6.jpg');
const FREE = LIMITS.free;

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

interface Tab {
  tab: Page;
  problems: string[];
  /** the photo uploads to /classify */
  uploads: Request[];
}

async function open(path: string, viewport = { width: 1100, height: 820 }, options: { isMobile?: boolean; hasTouch?: boolean; deviceScaleFactor?: number } = {}): Promise<Tab> {
  const tab = await browser.newPage({ viewport, ...options });
  const problems: string[] = [];
  const uploads: Request[] = [];
  tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  tab.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  tab.on('request', (r) => {
    if (r.url().includes('/classify') && r.headers()['content-type'] === 'image/png') uploads.push(r);
  });
  await tab.goto(`${worker}${path}`);
  return { tab, problems, uploads };
}

/** width, height and colour type from a PNG's IHDR */
function pngHeader(bytes: Buffer) {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25] };
}

/** a file as the page would receive it from the clipboard or a drop, dispatched as that event */
async function dispatchFile(tab: Page, file: string, type: 'paste' | 'drop', selector = 'body') {
  const base64 = readFileSync(file).toString('base64');
  await tab.evaluate(
    ([base64, type, selector]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
      const target = document.querySelector(selector)!;
      if (type === 'paste') target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      else {
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    },
    [base64, type, selector] as const,
  );
}

const prediction = (tab: Page) => tab.getByTestId('prediction').textContent();

/** the 784 values the 28×28 preview shows (red channel) */
const seenPixels = (tab: Page) =>
  tab.getByTestId('seen').evaluate((c: HTMLCanvasElement) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, 28, 28);
    return Array.from({ length: 784 }, (_, i) => data[4 * i]);
  });

describe('a photo on the page', () => {
  it('reads a 1600×1200 JPEG picked with "Use a photo": sent reduced, as a gray PNG well inside the free plan', async () => {
    const { tab, problems, uploads } = await open('/');
    const picker = tab.getByTestId('photo-input');
    expect(await picker.getAttribute('accept')).toBe('image/*');
    expect(await tab.getByTestId('camera-input').getAttribute('capture')).toBe('environment');
    await picker.setInputFiles(PHONE_2);
    await expect.poll(() => prediction(tab)).toBe('2');
    expect(await tab.getByTestId('source').textContent()).toMatch(/^answered by the Worker/);
    expect(await tab.getByTestId('photo').isVisible()).toBe(true);
    expect(await inkOn(tab.getByTestId('seen'), 0)).toBeGreaterThan(0);

    expect(uploads).toHaveLength(1);
    expect(uploads[0].url()).toBe(`${worker}/classify?return_input=true`);
    const png = uploads[0].postDataBuffer()!;
    const header = pngHeader(png);
    expect(header).toEqual({ width: 256, height: 192, colorType: 0 }); // 8-bit gray, the photo's shape
    expect(png.length).toBeLessThanOrEqual(0.75 * FREE.imageBytes);
    // the 28×28 shown is what the Worker answered it saw
    const answer = await (await uploads[0].response())!.json();
    expect(await seenPixels(tab)).toEqual(answer.preprocessed.map(Math.round));
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('reads the corpus photo of a printed 8, and gives the same answer and 28×28 in the browser as on the Worker', async () => {
    const { tab, problems, uploads } = await open('/');
    await tab.getByTestId('photo-input').setInputFiles(PRINTED_8);
    await expect.poll(() => prediction(tab)).toBe('8');
    const fromWorker = { confidence: await tab.locator('[data-role="confidence"]').textContent(), pixels: await seenPixels(tab) };

    await tab.getByText('Classify in your browser').click();
    await expect.poll(() => tab.getByTestId('source').textContent()).toMatch(/^answered in your browser/);
    expect(await prediction(tab)).toBe('8');
    expect(await tab.locator('[data-role="confidence"]').textContent()).toBe(fromWorker.confidence);
    expect(await seenPixels(tab)).toEqual(fromWorker.pixels);
    expect(uploads).toHaveLength(1); // the switch re-ran the photo in the browser, without an upload
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('reads a photo pasted anywhere on the page, and one dropped on the widget', async () => {
    const { tab, problems } = await open('/');
    await dispatchFile(tab, PHONE_4, 'paste');
    await expect.poll(() => prediction(tab)).toBe('4');
    await dispatchFile(tab, PRINTED_8, 'drop', '.mw');
    await expect.poll(() => prediction(tab)).toBe('8');
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('turns a photo as its EXIF orientation says, as a phone gallery shows it', async () => {
    const { tab, uploads } = await open('/');
    await tab.getByTestId('photo-input').setInputFiles(PRINTED_8);
    await expect.poll(() => uploads.length).toBe(1);
    await tab.getByTestId('photo-input').setInputFiles(EXIF_6);
    await expect.poll(() => uploads.length).toBe(2);
    const [upright, turned] = await Promise.all(uploads.map(async (u) => decodePng(new Uint8Array(u.postDataBuffer()!))));
    expect([turned.width, turned.height]).toEqual([240, 240]);
    // orientation 6: the stored pixels (the same as the upright file's) are shown turned 90° clockwise
    const side = 240;
    let worst = 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) worst = Math.max(worst, Math.abs(turned.gray[y * side + x] - upright.gray[(side - 1 - x) * side + y]));
    }
    expect(worst).toBeLessThanOrEqual(1);
    await tab.close();
  });

  it('goes back to the pad when drawing starts or Clear is pressed', async () => {
    const { tab } = await open('/');
    await tab.getByTestId('photo-input').setInputFiles(PRINTED_8);
    await expect.poll(() => prediction(tab)).toBe('8');
    await tab.getByTestId('clear').click();
    expect(await tab.getByTestId('photo').isVisible()).toBe(false);
    expect(await prediction(tab)).toBe('');
    await tab.close();
  });

  it('says so when the file is not a picture the browser can open, and sends nothing', async () => {
    const { tab, uploads } = await open('/');
    await tab.getByTestId('photo-input').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are not the pixels you are looking for') });
    await expect.poll(() => tab.locator('[data-role="error"]').textContent()).toMatch(/cannot open JPEG pictures/);
    expect(uploads).toHaveLength(0);
    await tab.close();
  });

  it('looks right with a photo at desktop and phone widths (screenshots)', async () => {
    const desktop = await open('/');
    await desktop.tab.getByTestId('photo-input').setInputFiles(PHONE_2);
    await expect.poll(() => prediction(desktop.tab)).toBe('2');
    await animationsDone(desktop.tab);
    await desktop.tab.screenshot({ path: join(SCREENSHOTS, 'page-photo.png'), fullPage: true });
    await desktop.tab.close();

    const phone = await open('/', { width: 375, height: 740 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    expect(await phone.tab.getByTestId('camera-input').locator('..').isVisible()).toBe(true); // "Camera" where the pointer is a finger
    await phone.tab.getByTestId('camera-input').setInputFiles(PHONE_4);
    await expect.poll(() => prediction(phone.tab)).toBe('4');
    expect(await phone.tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await animationsDone(phone.tab);
    await phone.tab.screenshot({ path: join(SCREENSHOTS, 'page-photo-375px.png'), fullPage: true });
    expect(phone.problems).toEqual([]);
    await phone.tab.close();
  });
});

describe('a photo in /widget', () => {
  it('reads a photo picked with its Photo button and shows it with the 28×28 in a corner', async () => {
    const { tab, problems, uploads } = await open('/widget');
    await tab.getByTestId('photo-input').setInputFiles(PHONE_2);
    await expect.poll(() => prediction(tab)).toBe('2');
    expect(await tab.getByTestId('photo').isVisible()).toBe(true);
    expect(uploads).toHaveLength(1);
    await animationsDone(tab);
    await tab.screenshot({ path: join(SCREENSHOTS, 'widget-photo.png') });
    // drawing again brings the pad back
    await tab.getByTestId('clear').click();
    expect(await tab.getByTestId('photo').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('reads a photo pasted while the focus is in the widget', async () => {
    const { tab } = await open('/widget');
    await tab.getByTestId('pad').focus();
    await dispatchFile(tab, PRINTED_8, 'paste', '[data-testid="pad"]');
    await expect.poll(() => prediction(tab)).toBe('8');
    await tab.close();
  });
});

describe('a photo in embed.js, on another origin under a strict CSP', () => {
  it('reads a photo picked in the shadow-root widget', async () => {
    const host = await hostServer(
      (w) => ({ '/embed.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>embed</title><link rel="icon" href="data:,"></head><body><h1>A blog</h1><script src="${w}/embed.js"></script></body></html>` }),
      worker,
    );
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    try {
      await tab.goto(`${host.origin}/embed.html`);
      await tab.getByTestId('photo-input').setInputFiles(PHONE_4); // playwright's test ids pierce the open shadow root
      await expect.poll(() => tab.getByTestId('prediction').textContent()).toBe('4');
      expect(await tab.getByTestId('photo').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
      await host.close();
    }
  });
});

describe('client.js with photos, from another origin', () => {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const files = (w: string): Record<string, string> => ({
    '/photo.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>photos</title><link rel="icon" href="data:,"><script type="module" src="/photo-test.js"></script></head><body><h1>client.js</h1></body></html>`,
    '/photo-test.js': `
import { classify, ClassifyError, PhotoError } from '${w}/client.js';
const blobOf = (b64) => new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
const phone2 = blobOf('${b64(PHONE_2)}');
const printed8 = blobOf('${b64(PRINTED_8)}');
const uploads = [];
const realFetch = window.fetch;
window.fetch = (url, init) => {
  if (init && init.body instanceof Blob) uploads.push({ type: init.body.type, bytes: init.body.size });
  return realFetch(url, init);
};
window.results = (async () => {
  const img = new Image();
  img.src = URL.createObjectURL(phone2);
  await img.decode();
  // a large PNG, as a 600×600 canvas exports it: more than the free plan takes as it is
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 600;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 600, 600);
  for (let i = 0; i < 600 * 600 / 50; i++) { ctx.fillStyle = 'rgb(' + (200 + (i * 37) % 55) + ',230,230)'; ctx.fillRect((i * 53) % 600, (i * 97) % 600, 3, 3); }
  ctx.strokeStyle = '#111'; ctx.lineWidth = 50; ctx.lineCap = 'round';
  ctx.beginPath(); ctx.moveTo(300, 90); ctx.lineTo(300, 510); ctx.stroke();
  const bigPng = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
  const out = {
    jpegBlob: (await classify(phone2)).digit,
    jpegFile: (await classify(new File([printed8], 'eight.jpg', { type: 'image/jpeg' }))).digit,
    image: (await classify(img)).digit,
    bitmap: (await classify(await createImageBitmap(phone2))).digit,
    bigPngBytes: bigPng.size,
    bigPng: (await classify(bigPng)).digit,
    uploads,
  };
  // what the browser cannot open goes up as it is: the Worker's error says what is wrong
  try { await classify(new Blob(['no pixels here'], { type: 'image/webp' })); } catch (e) { out.undecodable = { isClassifyError: e instanceof ClassifyError, isPhotoError: e instanceof PhotoError, code: e.code, status: e.status }; }
  return out;
})().catch((e) => ({ failed: String(e) }));
`,
  });

  it('classifies a JPEG Blob and File, an <img> and an ImageBitmap of a photo, and a PNG too large to send as it is', async () => {
    const host = await hostServer(files, worker);
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (e) => problems.push(e.message));
    try {
      await tab.goto(`${host.origin}/photo.html`);
      await tab.waitForFunction(() => (window as any).results !== undefined);
      const r = await tab.evaluate(() => (window as any).results);
      expect(r.failed).toBeUndefined();
      expect([r.jpegBlob, r.jpegFile, r.image, r.bitmap, r.bigPng]).toEqual([2, 8, 2, 2, 1]);
      expect(600 > FREE.imageSide || 600 * (600 * 4 + 1) > FREE.imageDataBytes).toBe(true); // more than the free plan takes as it is
      expect(r.bigPngBytes).toBeGreaterThan(0);
      // the two JPEGs and the big PNG went up as reduced PNGs within the plan; the <img> and the bitmap as 784 values
      expect(r.uploads).toHaveLength(4); // and the undecodable blob, as it is
      for (const u of r.uploads.slice(0, 3)) {
        expect(u.type).toBe('image/png');
        expect(u.bytes).toBeLessThanOrEqual(0.75 * FREE.imageBytes);
      }
      expect(r.undecodable).toMatchObject({ isClassifyError: true, isPhotoError: false, status: 415 });
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
      await host.close();
    }
  });
});
