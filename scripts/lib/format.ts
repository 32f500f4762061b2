// numbers as the CLIs and the report print them.

/** 0.98472 → "98.47%"; "–" for a value that is not a number */
export const percent = (x: number, digits = 2): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–');

/** 12345.6 → "12,346" */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
