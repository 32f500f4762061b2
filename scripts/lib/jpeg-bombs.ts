// a JPEG CPU bomb, built as the jpegsuite corpus's make.sh builds x-many-scans.jpg (1.2 MB, not
// committed): a progressive file's scans repeated, each a full pass over the picture. the unit and
// Worker tests and bench:edge build it from here; pure (no node:*), so workerd tests can import it.

/** `progressive` with its scans (from the first SOS to the end marker) repeated `times` times */
export function repeatScans(progressive: Uint8Array, times = 500): Uint8Array {
  let k = 0;
  while (!(progressive[k] === 0xff && progressive[k + 1] === 0xda)) k++;
  const body = progressive.subarray(k, progressive.length - 2);
  const out = new Uint8Array(k + body.length * times + 2);
  out.set(progressive.subarray(0, k));
  for (let i = 0; i < times; i++) out.set(body, k + i * body.length);
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}
