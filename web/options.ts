// the widget's two options, from a query string (/widget?theme=dark&size=300) or embed.js's data
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
