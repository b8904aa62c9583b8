/**
 * Typed-array storage that grows in place: a resizable `ArrayBuffer` reserves address space
 * up front and commits memory as it grows, so a million-row table grows without the copy (and
 * the fresh zeroed allocation) that replacing a typed array costs: at 1 M series such a copy
 * of the head's series rows blocked the event loop for 300–450 ms.
 *
 * Views made without a length over such a buffer (`new Float64Array(buf)`) track its length:
 * they stay valid across growth. Only past the reservation is the buffer replaced (a copy, as
 * before), which callers handle by re-reading their views after `grow`.
 */

/** An `ArrayBuffer` made resizable (ES2024; the project's `lib` setting predates its types). */
export interface ResizableBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(bytes: number): void;
}

const Resizable = ArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => ResizableBuffer;

/** A resizable buffer of `bytes`, reserving `maxBytes` of address space (rounded to 8). */
export function reserveBuffer(bytes: number, maxBytes: number): ResizableBuffer {
  const max = Math.max(align8(maxBytes), align8(bytes));
  return new Resizable(align8(bytes), { maxByteLength: max });
}

/**
 * Grows `buf` to at least `bytes` (to a multiple of `step` bytes, at most its reservation):
 * in place and returning `buf` while the reservation allows; beyond it a new buffer with
 * twice the reservation holding a copy (the caller re-makes its views).
 */
export function growBuffer(buf: ResizableBuffer, bytes: number, step: number): ResizableBuffer {
  if (bytes <= buf.byteLength) return buf;
  const want = Math.ceil(bytes / step) * step;
  if (want <= buf.maxByteLength) {
    buf.resize(want);
    return buf;
  }
  const next = new Resizable(want, { maxByteLength: Math.max(want, buf.maxByteLength * 2) });
  new Uint8Array(next).set(new Uint8Array(buf));
  return next;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
