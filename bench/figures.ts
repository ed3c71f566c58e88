// The arithmetic the benches report with: figures rounded to a number of digits, and the value
// at a fraction of a sorted sample (the median at 0.5, p99 at 0.99).

export const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The value at `fraction` of `sorted` (ascending): the element below which that share lies. */
export const percentile = (sorted: readonly number[], fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
