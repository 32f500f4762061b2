// plain gradient descent, with optional momentum and decoupled weight decay.

/** p -= lr · (g + ...) over params[from, to); velocity may be null when momentum is 0 */
export function sgdUpdate(
  params: Float32Array, grad: Float32Array, velocity: Float32Array | null,
  lr: number, momentum: number, weightDecay: number, from = 0, to = params.length,
): void {
  const decay = 1 - lr * weightDecay;
  if (velocity === null || momentum === 0) {
    for (let i = from; i < to; i++) params[i] = params[i] * decay - lr * grad[i];
    return;
  }
  for (let i = from; i < to; i++) {
    const u = momentum * velocity[i] + grad[i];
    velocity[i] = u;
    params[i] = params[i] * decay - lr * u;
  }
}
