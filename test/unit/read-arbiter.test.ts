import { describe, expect, it } from 'vitest';
import { ARBITER, arbiterLogit, arbitrate, bestPath, lineBudget, MAX_CROP_AREA, pathScore, SCORE_WEIGHTS, type Candidate, type DigitReading, type Dispute, type GroupReading } from '../../shared/model/read';

/** a candidate of a hand-made lattice: a full-height piece whose classifier said `probabilities` */
function candidate(from: number, to: number, kind: Candidate['kind'], probabilities: number[]): Candidate {
  const digit = probabilities.indexOf(Math.max(...probabilities));
  return {
    from, to, kind, groupAspect: 2, aspect: 0.7, tall: 1, box: { x: 0, y: 0, width: 1, height: 1 }, input: new Float32Array(0),
    piece: { group: { left: 0, right: 1, top: 0, bottom: 1, marks: [], mass: 1 }, from: 0, to: 1 },
    prediction: { digit, confidence: probabilities[digit], probabilities, uncertain: false, reason: null },
  };
}
const probs = (p: Record<number, number>) => Array.from({ length: 10 }, (_, d) => p[d] ?? 0);

describe('pathScore: how well the lattice reads a given number over a stretch of nodes', () => {
  // a group read whole (mostly a 7) or cut in two (a 1, then a 2)
  const whole = candidate(0, 2, 'plain', probs({ 7: 0.6, 1: 0.3, 2: 0.1 }));
  const left = candidate(0, 1, 'cut', probs({ 1: 0.9, 7: 0.1 }));
  const right = candidate(1, 2, 'plain', probs({ 2: 0.8, 3: 0.2 }));
  const lattice = [whole, left, right];

  it('scores each reading by its own path, the digits it must read at their probabilities', () => {
    expect(pathScore(lattice, 0, 2, [7])).toBeCloseTo(Math.log(0.6), 9);
    expect(pathScore(lattice, 0, 2, [1])).toBeCloseTo(Math.log(0.3), 9);
    expect(pathScore(lattice, 0, 2, [1, 2])).toBeCloseTo(Math.log(0.9) + Math.log(0.8) - SCORE_WEIGHTS.cutCost, 9);
    expect(pathScore(lattice, 0, 2, [7, 3])).toBeCloseTo(Math.log(0.1) + Math.log(0.2) - SCORE_WEIGHTS.cutCost, 9);
  });

  it('agrees with the best path on its own reading', () => {
    const { path } = bestPath(3, lattice);
    const digits = path.map((c) => c.prediction!.digit);
    // cutting costs more than the whole's doubt: the lattice reads a 7
    expect(digits).toEqual([7]);
    for (const other of [[1], [1, 2], [7, 2], [2]]) expect(pathScore(lattice, 0, 2, digits)).toBeGreaterThan(pathScore(lattice, 0, 2, other));
  });

  it('floors a digit the classifier gave nothing, and has no score for a count no path makes', () => {
    expect(pathScore(lattice, 0, 2, [5])).toBeCloseTo(Math.log(1e-4), 9);
    expect(pathScore(lattice, 0, 2, [1, 2, 3])).toBe(-Infinity);
    expect(pathScore(lattice, 0, 1, [1])).toBeCloseTo(Math.log(0.9) - SCORE_WEIGHTS.cutCost, 9);
  });
});

describe('the arbiter between the line reader and the cuts', () => {
  const dispute: Dispute = { gain: 5, latticeGap: 2, aspect: 1.5, moreDigits: 1, cutDoubt: 0.5 };
  const digit = (d: number): DigitReading => ({ digit: d, confidence: 0.9, box: { x: 0, y: 0, width: 1, height: 1 }, uncertain: false, reason: null });
  const group = (d: Dispute | null, agreed = false): GroupReading => ({ cut: [digit(1)], line: d ? [digit(4), digit(7)] : null, dispute: d, agreed });

  it('trusts the line reader more as its frames prefer its reading and as the cuts doubt theirs', () => {
    const at = (d: Partial<Dispute>) => arbiterLogit({ ...dispute, ...d });
    expect(at({ gain: 20 })).toBeGreaterThan(at({ gain: 5 }));
    expect(at({ cutDoubt: 2 })).toBeGreaterThan(at({ cutDoubt: 0.1 }));
    expect(at({ latticeGap: 10 })).toBeLessThan(at({ latticeGap: 0 }));
    // one wild frame does not decide: gains past the clip count as the clip
    expect(at({ gain: 1000 })).toBe(at({ gain: 60 }));
    expect(at({ latticeGap: null })).toBeCloseTo(at({ latticeGap: 0 }) + ARBITER.noLatticePath, 9);
  });

  it("keeps the line reader's digits where it is preferred and flags the number when it is not sure", () => {
    const sure = { ...dispute, gain: 60 }, against = { ...dispute, gain: -60 };
    expect(arbiterLogit(sure)).toBeGreaterThan(2);
    expect(arbiterLogit(against)).toBeLessThan(-2);
    expect(arbitrate([group(sure)])).toMatchObject({ digits: [{ digit: 4 }, { digit: 7 }], disputed: false, confirmed: false });
    expect(arbitrate([group(against)])).toMatchObject({ digits: [{ digit: 1 }], disputed: false });
    // a dispute the arbiter barely decides
    const gain = (-(arbiterLogit({ ...dispute, gain: 0 })) + 0.5) / ARBITER.gain;
    expect(arbitrate([group({ ...dispute, gain })])).toMatchObject({ digits: [{ digit: 4 }, { digit: 7 }], disputed: true });
    // the reader agreed on every group it read: the cuts did not guess
    expect(arbitrate([group(null, true), group(null)])).toMatchObject({ digits: [{ digit: 1 }, { digit: 1 }], confirmed: true, disputed: false });
    expect(arbitrate([group(null)])).toMatchObject({ confirmed: false });
  });
});

describe("the line reader's budget once cutting has cost its crops", () => {
  it('is whole while cutting was cheap, then shrinks to nothing where speckled noise takes the crop budget', () => {
    expect(lineBudget(200, 0)).toBe(200);
    expect(lineBudget(200, MAX_CROP_AREA / 2)).toBe(200);
    expect(lineBudget(200, 0.75 * MAX_CROP_AREA)).toBe(100);
    expect(lineBudget(200, MAX_CROP_AREA)).toBe(0);
    expect(lineBudget(200, 3 * MAX_CROP_AREA)).toBe(0);
  });
});
