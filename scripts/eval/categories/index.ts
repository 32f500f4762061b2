// every evaluation set, in report order: digits first, then the out-of-distribution sets.
import type { Recipe } from '../set';
import { handwritingFonts, letters, printed } from './fonts';
import { lowresScans, photo, twoDigits } from './mnist';
import { phoneStrokes, scribbles } from './strokes';

export const RECIPES: readonly Recipe[] = [printed, handwritingFonts, lowresScans, photo, phoneStrokes, letters, scribbles, twoDigits];

export function recipe(name: string): Recipe {
  const found = RECIPES.find((r) => r.name === name);
  if (!found) throw new Error(`no evaluation set "${name}"; the sets are ${RECIPES.map((r) => r.name).join(', ')}`);
  return found;
}
