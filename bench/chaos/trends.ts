// How a sampled series moves over a load window: its least-squares slope, and the level a process
// keeps when the series is memory that garbage collection brings down now and then.

export interface Point {
  t: number;
  value: number;
}

/** Least-squares slope per minute, the means of the first and last thirds, and the maximum. */
export function trend(points: Point[]) {
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanV = points.reduce((s, p) => s + p.value, 0) / n;
  const cov = points.reduce((s, p) => s + (p.t - meanT) * (p.value - meanV), 0);
  const varT = points.reduce((s, p) => s + (p.t - meanT) ** 2, 0) || 1;
  const third = Math.max(1, Math.floor(n / 3));
  const mean = (part: Point[]) => part.reduce((s, p) => s + p.value, 0) / part.length;
  return {
    slopePerMinute: Number(((cov / varT) * 60).toFixed(3)),
    firstThirdMean: Number(mean(points.slice(0, third)).toFixed(1)),
    lastThirdMean: Number(mean(points.slice(n - third)).toFixed(1)),
    max: Math.max(...points.map((p) => p.value)),
  };
}

/**
 * At each sample, the lowest value of the last `spanSeconds`: the memory in use right after a
 * collection is what a process keeps, while any one sample also holds garbage not yet collected.
 * V8 puts off a full collection while the heap grows (seen: 62 → 206 MB over 50 s, then 62 MB
 * again), so a span of a minute can hold no collection; a few minutes always held one.
 * Samples that failed (0) are left out.
 */
export function keptLevel(points: Point[], spanSeconds = 180): Point[] {
  const read = points.filter((point) => point.value > 0);
  return read.map((point) => ({
    t: point.t,
    value: Math.min(...read.filter((earlier) => earlier.t <= point.t && earlier.t > point.t - spanSeconds).map((earlier) => earlier.value)),
  }));
}
