import { describe, expect, it } from 'vitest';
import { ARBITER, arbiterLogit, arbitrate, lineBudget, MAX_CROP_AREA, MAX_INPUT_INK, type DigitReading, type Dispute, type GroupReading } from '../../shared/model/read';

describe('the arbiter between the line reader and the cuts', () => {
  const dispute: Dispute = { gain: 5, aspect: 1.5, moreDigits: 1, cutDoubt: 0.5 };
  const digit = (d: number): DigitReading => ({ digit: d, confidence: 0.9, box: { x: 0, y: 0, width: 1, height: 1 }, uncertain: false, reason: null });
  const group = (d: Dispute | null, agreed = false): GroupReading => ({ cut: [digit(1)], line: d ? [digit(4), digit(7)] : null, dispute: d, agreed });

  it('trusts the line reader more as its frames prefer its reading and as the cuts doubt theirs', () => {
    const at = (d: Partial<Dispute>) => arbiterLogit({ ...dispute, ...d });
    expect(at({ gain: 20 })).toBeGreaterThan(at({ gain: 5 }));
    expect(at({ cutDoubt: 2 })).toBeGreaterThan(at({ cutDoubt: 0.1 }));
    expect(at({ aspect: 2 })).toBeGreaterThan(at({ aspect: 1 })); // wider than 1.3 of its height: several digits whatever the cuts say
    // one wild frame does not decide: gains past the clip count as the clip
    expect(at({ gain: 1000 })).toBe(at({ gain: 60 }));
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
    expect(lineBudget(200, 0, 0)).toBe(200);
    expect(lineBudget(200, MAX_CROP_AREA / 2, 0)).toBe(200);
    expect(lineBudget(200, 0.75 * MAX_CROP_AREA, 0)).toBe(100);
    expect(lineBudget(200, MAX_CROP_AREA, 0)).toBe(0);
    expect(lineBudget(200, 3 * MAX_CROP_AREA, 0)).toBe(0);
  });

  it('shrinks too as the forward pass nears its cap on inked inputs (12 touching digits ink ~6,300)', () => {
    expect(lineBudget(200, 0, 0.7 * MAX_INPUT_INK)).toBe(200);
    expect(lineBudget(200, 0, 0.85 * MAX_INPUT_INK)).toBe(100);
    expect(lineBudget(200, 0, MAX_INPUT_INK)).toBe(0);
    // the dearer of the two decides
    expect(lineBudget(200, 0.75 * MAX_CROP_AREA, 0.85 * MAX_INPUT_INK)).toBe(100);
    expect(lineBudget(200, 0.9 * MAX_CROP_AREA, 0.85 * MAX_INPUT_INK)).toBe(40);
  });
});
