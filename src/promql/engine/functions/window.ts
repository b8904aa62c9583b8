/**
 * The window a range-vector function sees at one evaluation step: float samples of one series
 * in typed arrays, the half-open index range `[lo, hi)` of the samples inside `(rangeStart,
 * rangeEnd]`, and the whole buffer (`0…n`) for the extended `anchored`/`smoothed` modifiers that
 * look just outside the range.
 */

/** Mutable per-step view handed to range kernels; reused across steps and series. */
export class Window {
  t: Float64Array = new Float64Array(64);
  f: Float64Array = new Float64Array(64);
  /** 1 for a native-histogram sample (opaque; its `f` is meaningless). */
  hk: Uint8Array = new Uint8Array(64);
  /** Number of valid samples in the buffer. */
  n = 0;
  /** Number of histogram samples in the buffer. */
  nh = 0;
  lo = 0;
  hi = 0;
  /** Exclusive lower bound of the range (ms). */
  rangeStartMs = 0;
  /** Inclusive upper bound of the range (ms). */
  rangeEndMs = 0;
  rangeMs = 0;
  /** The evaluation time of the step (ms). */
  stepMs = 0;
  /** Scalar arguments evaluated at this step (e.g. φ for quantile_over_time). */
  p0 = 0;
  p1 = 0;
  anchored = false;
  smoothed = false;
  /** Lookback delta (ms), for the extended modifiers. */
  lookbackMs = 0;

  /** Number of samples in the window. */
  get count(): number {
    return this.hi - this.lo;
  }

  /**
   * `drops[i]`: how many samples in `[1, i]` are below the one before them (counter resets),
   * built on first use after the contents change (`#dropsValid`).
   */
  #drops: Int32Array = new Int32Array(0);
  #dropsValid = false;

  /** Empties the buffer. */
  clear(): void {
    this.n = 0;
    this.nh = 0;
    this.#dropsValid = false;
  }

  /**
   * True when a sample in `(lo, hi)` (index range, `lo < hi`) has a lower value than the one
   * before it. One pass over the buffer after its contents changed, then constant time per
   * window: range functions over many steps (`rate` of a range query) no longer rescan every
   * window for counter resets. Callers that fill `t`/`f` directly must `clear()` first.
   */
  hasDropIn(lo: number, hi: number): boolean {
    if (!this.#dropsValid) this.#buildDrops();
    return this.#drops[hi - 1]! !== this.#drops[lo]!;
  }

  #buildDrops(): void {
    const n = this.n;
    if (this.#drops.length < n) this.#drops = new Int32Array(this.t.length);
    const d = this.#drops;
    const f = this.f;
    let c = 0;
    if (n > 0) d[0] = 0;
    for (let i = 1; i < n; i++) {
      if (f[i]! < f[i - 1]!) c++;
      d[i] = c;
    }
    this.#dropsValid = true;
  }

  /** Makes room for at least `min` samples (`FloatSampleBuffer`); contents are kept. */
  reserve(min: number): void {
    if (min <= this.t.length) return;
    let cap = this.t.length * 2;
    while (cap < min) cap *= 2;
    const nt = new Float64Array(cap);
    nt.set(this.t);
    this.t = nt;
    const nf = new Float64Array(cap);
    nf.set(this.f);
    this.f = nf;
    const nk = new Uint8Array(cap);
    nk.set(this.hk);
    this.hk = nk;
  }

  /** Appends a sample to the buffer (`hist` marks a native histogram), growing it as needed. */
  push(t: number, f: number, hist = false): void {
    this.#dropsValid = false;
    if (this.n === this.t.length) this.reserve(this.n + 1);
    this.t[this.n] = t;
    this.f[this.n] = f;
    this.hk[this.n] = hist ? 1 : 0;
    if (hist) this.nh++;
    this.n++;
  }

  /** Number of histogram samples in `[lo, hi)`. */
  histIn(lo: number, hi: number): number {
    if (this.nh === 0) return 0;
    let n = 0;
    for (let i = lo; i < hi; i++) n += this.hk[i]!;
    return n;
  }

  /**
   * Copies the float samples of `src` into this window (histograms left out), for kernels that
   * ignore histograms. Returns `this`.
   */
  copyFloats(src: Window): this {
    this.clear();
    for (let i = 0; i < src.n; i++) if (!src.hk[i]) this.push(src.t[i]!, src.f[i]!);
    return this;
  }
}
