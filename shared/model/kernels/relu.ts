// rectified linear unit, elementwise over N values; may run in place (out === inp).

export function reluForward(out: Float32Array, inp: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) {
    const v = inp[i];
    out[i] = v > 0 ? v : 0;
  }
}

/** dinp = dout where the unit was active (out > 0), else 0; may run in place (dinp === dout) */
export function reluBackward(dinp: Float32Array, dout: Float32Array, out: Float32Array, N: number): void {
  for (let i = 0; i < N; i++) dinp[i] = out[i] > 0 ? dout[i] : 0;
}
