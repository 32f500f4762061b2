import { D } from '../../shared/dims';
import { createRng } from '../../shared/rng';
import { numberPieceSet, type PieceSet } from '../../shared/train/number-pieces';
import type { Split } from '../lib/mnist';

// the pieces of numbers that join training (--piece-lines N): lines of the run's own training images
// (the first `available`, so never the calibration images held out after them), cut by /read's lattice.

/** salts the run's seed, so the pieces' lines do not replay the shuffle's or the initialisation's draws */
const PIECE_SALT = 0x9e3c;

export function pieceTrainingSet(train: Split, available: number, lines: number, seed: number): PieceSet {
  const source = (i: number) => ({ image: train.images.subarray(i * D, (i + 1) * D), label: train.labels[i] });
  return numberPieceSet(source, available, lines, createRng((seed ^ PIECE_SALT) >>> 0));
}
