import { describe, expect, it } from 'vitest';
import { ARBITER, arbiterLogit, arbitrate, MAX_CROP_AREA, MAX_INPUT_INK, type DigitReading, type Dispute, type GroupReading } from '../../shared/model/read';
import { columnsLeft, cutColumns, decodeColumns } from '../../shared/model/read-cost';
import { LIMITS } from '../../shared/limits';

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

describe("one picture's reading budget: decoding, then cutting, then the line reader (shared/model/read-cost.ts)", () => {
  const png = (width: number, height: number, channels: number, box: number, bytes: number) =>
    decodeColumns({ format: 'png', bytes, sentPixels: width * height, dataBytes: width * height * channels, decodedPixels: Math.ceil(width / box) * Math.ceil(height / box) });
  const jpeg = (bytes: number, decodedWidth: number, decodedHeight: number) => decodeColumns({ format: 'jpeg', bytes, sentPixels: 0, dataBytes: 0, decodedPixels: decodedWidth * decodedHeight });

  it('charges decoding by what the decoder did: more pixels, channels and bytes cost more', () => {
    expect(png(600, 200, 4, 3, 15_000)).toBeGreaterThan(png(600, 200, 1, 3, 15_000));
    expect(png(600, 200, 4, 3, 110_000)).toBeGreaterThan(png(600, 200, 4, 3, 15_000));
    expect(png(600, 200, 1, 3, 58_000)).toBeGreaterThan(png(300, 100, 1, 2, 15_000));
    expect(jpeg(73_000, 256, 256)).toBeGreaterThan(jpeg(75_000, 160, 120)); // 512² decoded at 4×4 a block against 640×480 at 2×2
    expect(jpeg(177_000, 240, 135)).toBeGreaterThan(jpeg(75_000, 240, 135));
  });

  it('never charges a measured picture less than its CPU (ms, at 7 µs a column)', () => {
    const ms = (columns: number) => columns * 0.007;
    expect(ms(jpeg(73_214, 256, 256))).toBeGreaterThanOrEqual(5.76); // test/fixtures/jpeg/photo-512x512.jpg
    expect(ms(jpeg(176_916, 240, 135))).toBeGreaterThanOrEqual(5.62); // photo-1920x1080.jpg
    expect(ms(jpeg(74_730, 160, 120))).toBeGreaterThanOrEqual(2.85); // number-640x480.jpg
    expect(ms(png(600, 200, 4, 3, 15_496))).toBeGreaterThanOrEqual(3.83); // bench:edge's RGBA canvas
    expect(ms(png(600, 200, 4, 3, 111_063))).toBeGreaterThanOrEqual(6.4); // the same, grained
    expect(ms(png(400, 400, 1, 2, 76_046))).toBeGreaterThanOrEqual(4.52);
  });

  it('leaves the line reader what decoding and cutting did not spend, and nothing below zero', () => {
    expect(columnsLeft(1000, 0, 0, 0)).toBe(Math.floor(1000 - cutColumns(0, 0)));
    expect(columnsLeft(1000, 300, 0, 0)).toBe(columnsLeft(1000, 0, 0, 0) - 300);
    // cutting 12 touching digits (~6,300 inked inputs) costs more than cutting 6 apart (~900)
    expect(columnsLeft(1000, 0, 9_000, 6_300)).toBeLessThan(columnsLeft(1000, 0, 2_400, 900));
    // speckled noise at both caps, after the dearest PNG: no columns
    expect(columnsLeft(LIMITS.free.readLineColumns, png(600, 200, 4, 3, 111_000), MAX_CROP_AREA, MAX_INPUT_INK)).toBe(0);
  });

  it('gives the free plan\'s dearest pictures no more columns than the fixed 320-column budget gave them, and small ones more', () => {
    const free = LIMITS.free.readLineColumns;
    // 12 touching digits on the 600×200 gray pad: 226 columns under the old budget and its tapers
    const touching = columnsLeft(free, png(600, 200, 1, 3, 58_000), 8_600, 6_300);
    expect(touching).toBeGreaterThan(60);
    expect(touching).toBeLessThan(226);
    // a 300×100 number of 4 digits, cheap to cut: room for its lines at 2 phases or more
    expect(columnsLeft(free, png(300, 100, 1, 2, 15_000), 5_000, 2_000)).toBeGreaterThan(500);
  });
});
