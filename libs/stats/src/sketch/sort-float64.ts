// V8's TypedArray#sort costs ~65 ns per element on small arrays; compaction sorts every buffer it halves,
// so a plain quicksort on the typed array (NaN-free input) makes sketch updates several times faster.
const INSERTION_SORT_MAX = 16;

/** Sorts values[from, to) ascending in place. Values must not be NaN. */
export function sortFloat64(values: Float64Array, from = 0, to = values.length): void {
  const stack: number[] = [];
  let lo = from;
  let hi = to - 1;
  for (;;) {
    while (hi - lo >= INSERTION_SORT_MAX) {
      const mid = (lo + hi) >>> 1;
      if (values[mid]! < values[lo]!) swap(values, mid, lo);
      if (values[hi]! < values[lo]!) swap(values, hi, lo);
      if (values[hi]! < values[mid]!) swap(values, hi, mid);
      const pivot = values[mid]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (values[i]! < pivot) i++;
        while (values[j]! > pivot) j--;
        if (i <= j) {
          swap(values, i, j);
          i++;
          j--;
        }
      }
      // Recurse into the smaller side later, loop on the larger: the stack stays O(log n).
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    for (let i = lo + 1; i <= hi; i++) {
      const v = values[i]!;
      let j = i - 1;
      while (j >= lo && values[j]! > v) {
        values[j + 1] = values[j]!;
        j--;
      }
      values[j + 1] = v;
    }
    if (stack.length === 0) return;
    hi = stack.pop()!;
    lo = stack.pop()!;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const t = values[i]!;
  values[i] = values[j]!;
  values[j] = t;
}
