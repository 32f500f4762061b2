// the drawing pad: pointer events for mouse, touch and pen on one canvas. strokes are kept as
// points in pad units (0..1 across and down) so a resize (phone rotation, window width) redraws them sharp at the
// new size. the canvas is transparent except for the ink, so its alpha channel is the drawing.

/** pen width as a fraction of the pad side: mnist strokes are about 1/10 of the digit's box */
export const PEN_WIDTH = 1 / 10;
/** the number pad's pen, as a fraction of its height: a digit there is about 2/3 of the height */
export const NUMBER_PEN_WIDTH = 1 / 15;

type Point = [x: number, y: number];

export interface Pad {
  /** (side, side) ink 0..255 from the canvas alpha, or null while nothing is drawn (a square pad) */
  ink(): { ink: Float32Array; side: number } | null;
  /** the drawing as dark ink on white at width × height, whatever the theme's ink colour, or null while nothing is drawn */
  picture(width: number, height: number): ImageData | null;
  /** the pen width as a fraction of the pad's height; redraws the strokes */
  setPen(fraction: number): void;
  clear(): void;
  isEmpty(): boolean;
  destroy(): void;
}

export interface PadEvents {
  /** the drawing changed; `done` once a stroke ends */
  onChange(done: boolean): void;
}

export function createPad(canvas: HTMLCanvasElement, events: PadEvents): Pad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const strokes: Point[][] = [];
  let active: { id: number; points: Point[] } | null = null;
  // the backing store's size in canvas pixels; `side` is the height, which the pen width follows
  let width = 0;
  let side = 0;
  let pen = PEN_WIDTH;

  const inkColour = () => getComputedStyle(canvas).getPropertyValue('--mw-ink').trim() || '#111';

  function setup() {
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = pen * side;
    ctx.strokeStyle = inkColour();
    ctx.fillStyle = ctx.strokeStyle;
  }

  function segment(a: Point, b: Point) {
    ctx.beginPath();
    ctx.moveTo(a[0] * width, a[1] * side);
    ctx.lineTo(b[0] * width, b[1] * side);
    ctx.stroke();
  }

  function dot(p: Point) {
    ctx.beginPath();
    ctx.arc(p[0] * width, p[1] * side, (pen * side) / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    setup();
    for (const s of strokes) {
      dot(s[0]);
      for (let i = 1; i < s.length; i++) segment(s[i - 1], s[i]);
    }
  }

  // the backing store follows the displayed size × devicePixelRatio (square on the digit pad, 3:1 on the number pad)
  function resize() {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (w === width && h === side) return;
    width = canvas.width = w;
    side = canvas.height = h;
    redraw();
  }
  const observer = new ResizeObserver(resize);
  observer.observe(canvas);
  resize();
  // data-theme="auto" follows the system: repaint the strokes in the new ink colour when it flips
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', redraw);

  const at = (e: PointerEvent): Point => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };

  function down(e: PointerEvent) {
    if (active || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault(); // no text selection, no scrolling, no emulated mouse events
    canvas.setPointerCapture(e.pointerId);
    setup(); // the theme (ink colour) may have changed since the last stroke
    const p = at(e);
    active = { id: e.pointerId, points: [p] };
    strokes.push(active.points);
    dot(p);
    events.onChange(false);
  }

  function move(e: PointerEvent) {
    if (!active || e.pointerId !== active.id) return;
    e.preventDefault();
    const points = active.points;
    // coalesced events keep fast strokes smooth where the browser batches pointer moves
    const all = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const c of all.length ? all : [e]) {
      const p = at(c);
      segment(points[points.length - 1], p);
      points.push(p);
    }
    events.onChange(false);
  }

  function up(e: PointerEvent) {
    if (!active || e.pointerId !== active.id) return;
    active = null;
    if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
    events.onChange(true);
  }

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  // safari still starts a scroll from touchmove unless it is cancelled too
  const noScroll = (e: TouchEvent) => e.preventDefault();
  canvas.addEventListener('touchmove', noScroll, { passive: false });

  return {
    ink() {
      if (strokes.length === 0) return null;
      const { data } = ctx.getImageData(0, 0, side, side);
      const ink = new Float32Array(side * side);
      for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3];
      return { ink, side };
    },
    picture(w, h) {
      if (strokes.length === 0) return null;
      const out = new OffscreenCanvas(w, h);
      const o = out.getContext('2d', { willReadFrequently: true })!;
      // black where the pad has ink (its alpha), then white behind: the theme's ink colour drops out
      o.fillStyle = '#000';
      o.fillRect(0, 0, w, h);
      o.globalCompositeOperation = 'destination-in';
      o.imageSmoothingQuality = 'high';
      o.drawImage(canvas, 0, 0, w, h);
      o.globalCompositeOperation = 'destination-over';
      o.fillStyle = '#fff';
      o.fillRect(0, 0, w, h);
      return o.getImageData(0, 0, w, h);
    },
    setPen(fraction) {
      pen = fraction;
      redraw();
    },
    clear() {
      strokes.length = 0;
      active = null;
      redraw();
    },
    isEmpty: () => strokes.length === 0,
    destroy() {
      observer.disconnect();
      scheme.removeEventListener('change', redraw);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
      canvas.removeEventListener('touchmove', noScroll);
    },
  };
}
