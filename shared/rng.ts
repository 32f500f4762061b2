// a small seeded generator (sfc32, seeded through splitmix32) so that training,
// initialisation and augmentation are reproducible byte for byte on every runtime.

export interface Rng {
  /** uniform uint32 */
  nextUint32(): number;
  /** uniform in [0, 1) */
  uniform(): number;
  /** standard normal (Box-Muller) */
  normal(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** Fisher-Yates shuffle in place */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const mix = splitmix32(seed);
  // state in a typed array, not closure variables: those would be boxed numbers, allocating on every draw
  const s = Uint32Array.of(mix(), mix(), mix(), mix()); // a, b, c, d
  let spare: number | null = null;

  const nextUint32 = (): number => {
    const a = s[0], b = s[1], c = s[2], d = s[3];
    const t = (((a + b) >>> 0) + d) >>> 0;
    s[3] = d + 1;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    const r = (c << 21) | (c >>> 11);
    s[2] = r + t;
    return t;
  };
  const uniform = (): number => nextUint32() / 4294967296;

  return {
    nextUint32,
    uniform,
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      // 1 - u keeps the log argument in (0, 1]
      const u = 1 - uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      return Math.floor(uniform() * n);
    },
    shuffle(arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const t = arr[i];
        arr[i] = arr[j];
        arr[j] = t;
      }
      return arr;
    },
  };
}
