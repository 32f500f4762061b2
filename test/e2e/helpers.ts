import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

// Debian's Chromium driven by playwright-core (which never downloads a browser), strokes a person
// would draw, and a second origin to embed the widget on.

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** a stroke as points in pad units: (0, 0) top left, (1, 1) bottom right */
export type Stroke = [x: number, y: number][];

function ellipse(cx: number, cy: number, rx: number, ry: number, n = 28): Stroke {
  // starts at the top and goes round anticlockwise, the way most people write a 0, closing a little past the start
  return Array.from({ length: n + 3 }, (_, i) => {
    const t = -Math.PI / 2 - (2 * Math.PI * i) / n;
    return [cx + rx * Math.cos(t), cy + ry * Math.sin(t)];
  });
}

export const DIGITS: Record<string, Stroke[]> = {
  '1': [[[0.52, 0.16], [0.5, 0.5], [0.48, 0.84]]],
  '7': [[[0.27, 0.2], [0.73, 0.2], [0.6, 0.48], [0.45, 0.84]]],
  '0': [ellipse(0.5, 0.5, 0.22, 0.33)],
  '4': [[[0.36, 0.16], [0.28, 0.56], [0.72, 0.56]], [[0.6, 0.3], [0.6, 0.86]]],
};

/** draws with the mouse, each stroke as one press-move-release */
export async function draw(page: Page, pad: Locator, strokes: Stroke[]): Promise<void> {
  const box = await pad.boundingBox();
  if (!box) throw new Error('the pad is not visible');
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (let i = 1; i < stroke.length; i++) {
      // a pointer event every ~8 px, as a quick hand gives
      const [x0, y0] = at(stroke[i - 1]);
      const [x1, y1] = at(stroke[i]);
      await page.mouse.move(x1, y1, { steps: Math.max(1, Math.round(Math.hypot(x1 - x0, y1 - y0) / 8)) });
    }
    await page.mouse.up();
  }
}

/** the sum of one channel of a canvas, read in the page: alpha (3) is the pad's ink, red (0) the 28×28 preview's */
export const inkOn = (canvas: Locator, channel: 0 | 3 = 3) =>
  canvas.evaluate((c: HTMLCanvasElement, ch) => {
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let sum = 0;
    for (let i = ch; i < data.length; i += 4) sum += data[i];
    return sum;
  }, channel);

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css', js: 'text/javascript' };

/**
 * a tiny web server on another origin (localhost instead of the worker's 127.0.0.1, another port)
 * with a strict CSP: scripts, calls and frames only from itself and the worker, no inline styles
 * or scripts. what a careful site would allow, so the widget is tested under it.
 */
export async function hostServer(files: (worker: string) => Record<string, string>, worker: string): Promise<{ origin: string; close(): Promise<void> }> {
  const served = files(worker);
  const csp = `default-src 'self'; script-src 'self' ${worker}; connect-src ${worker}; frame-src ${worker}; style-src 'self'; img-src 'self' data: blob:`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = served[path];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.split('.').pop()!] ?? 'text/plain', 'Content-Security-Policy': csp }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** waits until the page's finite CSS transitions and animations (the probability bars) have finished: no fixed sleep */
export async function animationsDone(target: Page | Frame): Promise<void> {
  await target.evaluate(async () => {
    // a transition that a newer answer interrupts is cancelled and replaced: wait for its successor
    for (;;) {
      const running = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity);
      if (running.length === 0) return;
      await Promise.all(running.map((a) => a.finished.catch(() => undefined)));
    }
  });
}
