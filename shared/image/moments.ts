// where a picture's ink sits: preprocessing centres the digit on it, deskewing shears about it.

/** intensity-weighted mean position, in pixel index coordinates; the middle of an inkless picture */
export function centreOfMass(img: Float32Array, width: number, height: number): { x: number; y: number } {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = img[y * width + x];
      mass += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : { x: (width - 1) / 2, y: (height - 1) / 2 };
}
