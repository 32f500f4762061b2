import { D, K } from '../../shared/dims';
import type { Network } from '../../shared/model/network';
import { createWorkspace, forward } from '../../shared/model/forward';
import { crossEntropyForward } from '../../shared/model/kernels/softmax';
import { argmax } from '../../shared/model/predict';
import type { Split } from './mnist';

// scores a network on a labelled split with the one shared forward pass.

export interface Evaluation {
  count: number;
  accuracy: number;
  loss: number; // mean cross-entropy
  confusion: number[][]; // (K, K) [true][predicted]
  perClass: { digit: number; precision: number; recall: number }[];
  predicted: Uint8Array; // (count)
  confidence: Float32Array; // (count) probability of the predicted class
}

export function evaluate(net: Network, split: Split, inputScale: number): Evaluation {
  const B = 500;
  const ws = createWorkspace(net.sizes, B);
  const x = new Float32Array(B * D);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const predicted = new Uint8Array(split.count);
  const confidence = new Float32Array(split.count);
  let loss = 0, correct = 0;
  for (let start = 0; start < split.count; start += B) {
    const n = Math.min(B, split.count - start);
    for (let i = 0; i < n * D; i++) x[i] = split.images[start * D + i] * inputScale;
    const probs = forward(net, x, n, ws);
    const labels = split.labels.subarray(start, start + n);
    loss += crossEntropyForward(probs, labels, n, K);
    for (let b = 0; b < n; b++) {
      const p = argmax(probs, b * K, K);
      predicted[start + b] = p;
      confidence[start + b] = probs[b * K + p];
      confusion[labels[b]][p]++;
      if (p === labels[b]) correct++;
    }
  }
  const perClass = confusion.map((row, digit) => {
    const tp = row[digit];
    const predictedAs = confusion.reduce((s, r) => s + r[digit], 0);
    const actual = row.reduce((s, v) => s + v, 0);
    return { digit, precision: predictedAs ? tp / predictedAs : 0, recall: actual ? tp / actual : 0 };
  });
  return { count: split.count, accuracy: correct / split.count, loss: loss / split.count, confusion, perClass, predicted, confidence };
}

/** the confusion matrix as aligned text, rows = true digit, columns = predicted */
export function formatConfusion(confusion: number[][]): string {
  const w = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = 'true\\pred'.padEnd(10) + confusion.map((_, k) => String(k).padStart(w)).join('');
  const rows = confusion.map((row, t) => String(t).padEnd(10) + row.map((v) => String(v).padStart(w)).join(''));
  return [head, ...rows].join('\n');
}
