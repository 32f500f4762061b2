// the widget's options (theme, size, mode), from a query string (/widget?theme=dark&size=300) or embed.js's data
// attributes: parsed the same way everywhere, and never trusted as markup.

export type Theme = 'light' | 'dark' | 'auto';

export const MIN_SIZE = 160;
export const MAX_SIZE = 560;
export const DEFAULT_SIZE = 280;

/** a size option from a query string or data attribute: clamped, or the default when unusable */
export function parseSize(value: string | null | undefined): number {
  const n = Number(value);
  if (value == null || value.trim() === '' || !Number.isFinite(n)) return DEFAULT_SIZE;
  return Math.round(Math.min(MAX_SIZE, Math.max(MIN_SIZE, n)));
}

export function parseTheme(value: string | null | undefined, fallback: Theme = 'light'): Theme {
  return value === 'light' || value === 'dark' || value === 'auto' ? value : fallback;
}

/** digit: one digit on a square pad (POST /classify); number: a wide pad read by POST /read */
export type Mode = 'digit' | 'number';

export function parseMode(value: string | null | undefined): Mode {
  return value === 'number' ? 'number' : 'digit';
}
