// a number's reading drawn over the pad or the photo: each digit's box (in the sent picture's pixels,
// placed where that picture is shown) with its digit beside it; an uncertain digit in the warning
// colour. the text and its doubt are also in the answer (view.ts), so the marks are decoration for
// screen readers (aria-hidden in markup.ts).

import type { NumberAnswer } from '../api';
import { fitToBox, type Placement } from './photo-canvas';

const cssVar = (el: Element, name: string, otherwise: string) => getComputedStyle(el).getPropertyValue(name).trim() || otherwise;

export function clearMarks(canvas: HTMLCanvasElement): void {
  const { width, height } = fitToBox(canvas);
  canvas.getContext('2d')!.clearRect(0, 0, width, height);
}

export function drawMarks(canvas: HTMLCanvasElement, answer: NumberAnswer, at: Placement): void {
  const { width, height, dpr } = fitToBox(canvas);
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, width, height);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0); // CSS pixels from here on
  const cssHeight = height / dpr;
  const font = Math.round(Math.max(13, Math.min(20, cssHeight / 9)));
  ctx.font = `700 ${font}px ui-sans-serif,system-ui,sans-serif`;
  ctx.textBaseline = 'top';
  ctx.lineWidth = 1.5;
  const accent = cssVar(canvas, '--mw-accent', '#4338ca');
  const warn = cssVar(canvas, '--mw-warn', '#92400e');
  const surface = cssVar(canvas, '--mw-surface', '#fff');
  for (const d of answer.digits) {
    const x = at.x0 + d.box.x * at.scale - 3;
    const y = at.y0 + d.box.y * at.scale - 3;
    const w = d.box.width * at.scale + 6;
    const h = d.box.height * at.scale + 6;
    const colour = d.uncertain ? warn : accent;
    ctx.strokeStyle = colour;
    ctx.setLineDash(d.uncertain ? [4, 3] : []);
    ctx.strokeRect(x, y, w, h);
    // the reading on a tab above the box's left corner, or inside it when there is no room above
    const label = String(d.digit) + (d.uncertain ? '?' : '');
    const lw = ctx.measureText(label).width + 8;
    const lh = font + 4;
    const ly = y - lh >= 0 ? y - lh : y;
    ctx.fillStyle = colour;
    ctx.fillRect(x, ly, lw, lh);
    ctx.fillStyle = surface;
    ctx.fillText(label, x + 4, ly + 2);
  }
  ctx.setLineDash([]);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}
