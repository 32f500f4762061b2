import { CTRL } from './shared-state';

// a reusable barrier for T threads on shared memory. spins briefly first: a training step
// is ~1 ms, so parking the thread on every barrier would cost more than the wait itself.

const SPINS = 20_000;

export function barrier(control: Int32Array, T: number): void {
  if (T === 1) return;
  const generation = Atomics.load(control, CTRL.barrierGeneration);
  if (Atomics.add(control, CTRL.barrierCount, 1) === T - 1) {
    Atomics.store(control, CTRL.barrierCount, 0);
    Atomics.add(control, CTRL.barrierGeneration, 1);
    Atomics.notify(control, CTRL.barrierGeneration);
    return;
  }
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(control, CTRL.barrierGeneration) !== generation) return;
  }
  while (Atomics.load(control, CTRL.barrierGeneration) === generation) {
    Atomics.wait(control, CTRL.barrierGeneration, generation, 50);
  }
}
