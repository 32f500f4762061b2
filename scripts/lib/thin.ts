// zhang & suen's 1984 thinning: the centre line of a binary shape, for redrawing a digit with another pen
// (the evaluation sets' phone strokes and the uncertainty probe's pad-pen digits).

/** thins a (height, width) 0/1 mask in place to one-pixel-wide lines */
export function thin(mask: Uint8Array, width: number, height: number): void {
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= width || y >= height ? 0 : mask[y * width + x]);
  const remove: number[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const pass of [0, 1]) {
      remove.length = 0;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) {
          if (!mask[y * width + x]) continue;
          // neighbours p2..p9 clockwise from north
          const p2 = at(x, y - 1), p3 = at(x + 1, y - 1), p4 = at(x + 1, y), p5 = at(x + 1, y + 1);
          const p6 = at(x, y + 1), p7 = at(x - 1, y + 1), p8 = at(x - 1, y), p9 = at(x - 1, y - 1);
          const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
          if (b < 2 || b > 6) continue;
          // a = the number of 0 -> 1 steps around the ring: exactly one keeps the shape connected
          const a = +(!p2 && p3) + +(!p3 && p4) + +(!p4 && p5) + +(!p5 && p6) + +(!p6 && p7) + +(!p7 && p8) + +(!p8 && p9) + +(!p9 && p2);
          if (a !== 1) continue;
          if (pass === 0 ? p2 * p4 * p6 !== 0 || p4 * p6 * p8 !== 0 : p2 * p4 * p8 !== 0 || p2 * p6 * p8 !== 0) continue;
          remove.push(y * width + x);
        }
      for (const i of remove) mask[i] = 0;
      if (remove.length > 0) changed = true;
    }
  }
}
