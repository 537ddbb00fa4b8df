/**
 * Vertical layout of a virtualised list: each item is `base` pixels high plus an extra height (an expanded row's
 * details). Offsets are a prefix sum, so finding the items in a viewport is a binary search. Pure: no DOM.
 */
export class RowLayout {
  private readonly offsets: Float64Array;

  constructor(
    readonly count: number,
    readonly base: number,
    extra: (index: number) => number = () => 0,
  ) {
    this.offsets = new Float64Array(count + 1);
    let y = 0;
    for (let i = 0; i < count; i++) {
      this.offsets[i] = y;
      y += base + extra(i);
    }
    this.offsets[count] = y;
  }

  /** The height of all items. */
  get total(): number {
    return this.offsets[this.count]!;
  }

  top(index: number): number {
    return this.offsets[Math.max(0, Math.min(index, this.count))]!;
  }

  height(index: number): number {
    return this.top(index + 1) - this.top(index);
  }

  /** The item at vertical position `y` (clamped to the list). -1 when the list is empty. */
  indexAt(y: number): number {
    if (this.count === 0) return -1;
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.offsets[mid]! <= y) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The items that intersect the viewport, plus `overscan` on each side; `last` is inclusive. */
  visibleRange(scrollTop: number, viewportHeight: number, overscan: number): { first: number; last: number } {
    if (this.count === 0) return { first: 0, last: -1 };
    const first = Math.max(0, this.indexAt(scrollTop) - overscan);
    const last = Math.min(this.count - 1, this.indexAt(scrollTop + Math.max(0, viewportHeight - 1)) + overscan);
    return { first, last };
  }

  /** The scrollTop that brings an item fully into view, or undefined when it is in view already. */
  scrollToReveal(index: number, scrollTop: number, viewportHeight: number): number | undefined {
    const top = this.top(index);
    const bottom = top + Math.min(this.height(index), viewportHeight);
    if (top < scrollTop) return top;
    if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
    return undefined;
  }
}

/** A scale with "nice" tick steps for a time axis: at least `minSpacing` pixels between ticks. */
export function tickStep(msPerPixel: number, minSpacing: number): number {
  const steps = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
    900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
  ];
  const wanted = msPerPixel * minSpacing;
  for (const step of steps) if (step >= wanted) return step;
  return Math.ceil(wanted / 86_400_000) * 86_400_000;
}
