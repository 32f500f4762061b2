// the JSON pixel shapes every route accepts, reduced to one.

/** 784 values from either accepted JSON shape: 784 numbers, or 28 rows of 28 */
export const flat = (pixels: number[] | number[][]): number[] => (Array.isArray(pixels[0]) ? (pixels as number[][]).flat() : (pixels as number[]));
