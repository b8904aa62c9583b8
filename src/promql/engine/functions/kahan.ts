/**
 * Compensated (Kahan–Babuška–Neumaier) summation and the overflow-safe mean PromQL uses for
 * `sum`, `avg`, `sum_over_time` and `avg_over_time`.
 */

/**
 * The compensation `c` of a running sum `sum` after adding `v`, whose new sum is `t = sum + v`
 * (`KahanSum.add`, for callers that keep many sums in typed arrays).
 */
export function kahanCompensation(sum: number, c: number, v: number, t: number): number {
  if (t === Infinity || t === -Infinity) return 0;
  if (Math.abs(sum) >= Math.abs(v)) return c + (sum - t + v);
  return c + (v - t + sum);
}

/**
 * A running compensated sum. `value()` is `sum + c`. An infinite partial sum resets the
 * compensation (it can no longer be meaningful). Reusable via `reset()`.
 */
export class KahanSum {
  sum = 0;
  c = 0;

  reset(): this {
    this.sum = 0;
    this.c = 0;
    return this;
  }

  add(v: number): void {
    const t = this.sum + v;
    this.c = kahanCompensation(this.sum, this.c, v, t);
    this.sum = t;
  }

  value(): number {
    return this.sum + this.c;
  }
}

/**
 * The mean of a stream of floats: a compensated sum divided by the count while the sum stays
 * finite, switching to a compensated incremental mean once the sum would overflow (so that the
 * mean of huge but finite values stays finite). Infinities and NaN propagate as IEEE rules say.
 */
export class MeanAccumulator {
  #sum = 0;
  #c = 0;
  #count = 0;
  #incremental = false;

  reset(): this {
    this.#sum = 0;
    this.#c = 0;
    this.#count = 0;
    this.#incremental = false;
    return this;
  }

  get count(): number {
    return this.#count;
  }

  add(v: number): void {
    this.#count++;
    const n = this.#count;
    if (!this.#incremental) {
      const t = this.#sum + v;
      if (t !== Infinity && t !== -Infinity) {
        if (Math.abs(this.#sum) >= Math.abs(v)) this.#c += this.#sum - t + v;
        else this.#c += v - t + this.#sum;
        this.#sum = t;
        return;
      }
      // The sum would overflow (or an infinity arrived): continue as an incremental mean of
      // the values so far, carrying the compensation along.
      this.#incremental = true;
      this.#sum = n > 1 ? this.#sum / (n - 1) : 0;
      this.#c = n > 1 ? this.#c / (n - 1) : 0;
    }
    const q = (n - 1) / n;
    const mean = q * this.#sum;
    const c = q * this.#c;
    const inc = v / n;
    const t = mean + inc;
    let nc = c;
    if (t === Infinity || t === -Infinity) nc = 0;
    else if (Math.abs(mean) >= Math.abs(inc)) nc += mean - t + inc;
    else nc += inc - t + mean;
    this.#sum = t;
    this.#c = nc;
  }

  /** The mean so far (NaN when nothing was added). */
  value(): number {
    if (this.#count === 0) return NaN;
    if (this.#incremental) return this.#sum + this.#c;
    return (this.#sum + this.#c) / this.#count;
  }
}
