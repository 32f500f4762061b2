// the drawing pad: pointer events for mouse, touch and pen on one canvas. strokes are kept as
// points in pad units (0..1) so a resize (phone rotation, window width) redraws them sharp at the
// new size. the canvas is transparent except for the ink, so its alpha channel is the drawing.

/** pen width as a fraction of the pad side: mnist strokes are about 1/10 of the digit's box */
export const PEN_WIDTH = 1 / 10;

type Point = [x: number, y: number];

export interface Pad {
  /** (side, side) ink 0..255 from the canvas alpha, or null while nothing is drawn */
  ink(): { ink: Float32Array; side: number } | null;
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
  let side = 0;

  const inkColour = () => getComputedStyle(canvas).getPropertyValue('--mw-ink').trim() || '#111';

  function setup() {
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = PEN_WIDTH * side;
    ctx.strokeStyle = inkColour();
    ctx.fillStyle = ctx.strokeStyle;
  }

  function segment(a: Point, b: Point) {
    ctx.beginPath();
    ctx.moveTo(a[0] * side, a[1] * side);
    ctx.lineTo(b[0] * side, b[1] * side);
    ctx.stroke();
  }

  function dot(p: Point) {
    ctx.beginPath();
    ctx.arc(p[0] * side, p[1] * side, (PEN_WIDTH * side) / 2, 0, 2 * Math.PI);
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

  // the backing store follows the displayed size × devicePixelRatio, square
  function resize() {
    const next = Math.max(1, Math.round(canvas.getBoundingClientRect().width * (window.devicePixelRatio || 1)));
    if (next === side) return;
    side = canvas.width = canvas.height = next;
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
