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

  /** Empties the buffer. */
  clear(): void {
    this.n = 0;
    this.nh = 0;
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
