import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { D } from '../../shared/dims';
import { generateNumberSet, hashNumberSet, NUMBER_MANIFEST, NUMBER_PREFIX, NUMBER_RECIPES, type NumberManifestEntry } from '../../scripts/eval/numbers';
import { digitsRight } from '../../scripts/eval/read-score';
import { loadSources } from '../../scripts/eval/set';
import { loadMnist } from '../../scripts/lib/mnist';

// the number sets (POST /read's evaluation, npm run read:score): recorded, repeatable, made of mnist
// TEST digits only. that no training code reads them is test/unit/eval-sets.test.ts's check of scripts/eval/.

const mnist = loadMnist();
const sources = loadSources(mnist.test);
const manifest = JSON.parse(readFileSync(NUMBER_MANIFEST, 'utf8')) as { sets: NumberManifestEntry[] };
const prefixes = NUMBER_RECIPES.map((r) => generateNumberSet({ ...r, count: NUMBER_PREFIX }, sources));

describe('the number sets', () => {
  it('are listed in data/eval/numbers.json with their recipes, and come out as recorded', () => {
    expect(manifest.sets.map((s) => [s.name, s.count, s.seed])).toEqual(NUMBER_RECIPES.map((r) => [r.name, r.count, r.seed]));
    prefixes.forEach((set, k) => expect(hashNumberSet(set), `${set.name}: the generator changed; run npm run read:score -- --record`).toBe(manifest.sets[k].prefixSha256));
  });

  it('hold numbers of 2 to 8 digits, every gap, each with its digits alone', () => {
    for (const set of prefixes) {
      const lengths = new Set(set.items.map((it) => it.text.length));
      expect([...lengths].sort()).toEqual([2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(set.items.map((it) => it.gap)).size).toBe(3);
      for (const it of set.items) {
        expect(it.text).toMatch(/^\d{2,8}$/);
        expect(it.singles).toHaveLength(it.text.length);
      }
    }
  });

  it('draw mnist digits from the test files only, none equal to a training digit', () => {
    const train = new Set<string>();
    const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
    for (let i = 0; i < mnist.train.count; i++) train.add(sha1(mnist.train.images.subarray(i * D, (i + 1) * D)));
    let used = 0;
    for (const set of prefixes)
      for (const it of set.items)
        for (const k of it.mnistTest) {
          expect(train.has(sha1(mnist.test.images.subarray(k * D, (k + 1) * D)))).toBe(false);
          used++;
        }
    expect(used).toBeGreaterThan(50);
  });

  it('score digits read right as the longest run in order: an extra or a missing digit costs one', () => {
    expect(digitsRight('2025', '2025')).toBe(4);
    expect(digitsRight('2025', '20725')).toBe(4);
    expect(digitsRight('2025', '205')).toBe(3);
    expect(digitsRight('2025', '')).toBe(0);
  });
});
