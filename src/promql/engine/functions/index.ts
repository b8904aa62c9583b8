/**
 * Function implementations of the engine: kernels over one window or one value, the label
 * functions, sorting, classic `histogram_quantile`, `info()`, and the numeric helpers they share.
 */
export { anchoredChanges, anchoredDelta, anchoredResets, smoothedDelta } from './extended-kernels.js';
export { bucketFraction, bucketQuantile, evalHistogramFraction, evalHistogramQuantile, evalHistogramQuantiles, quantileLabel } from './histogram-quantile.js';
export { evalInfo } from './info.js';
export { CALENDAR_FUNCTIONS, POINT_KERNELS, type PointKernel } from './instant-kernels.js';
export { KahanSum, MeanAccumulator, kahanCompensation } from './kahan.js';
export { labelJoin, labelReplace } from './label-functions.js';
export { quantileSorted } from './quantile.js';
export * as RangeKernels from './range-kernels.js';
export { sortNaNFirst, type RangeKernel } from './range-kernels.js';
export { naturalCompare, sortSeriesBy } from './sort.js';
export { Window } from './window.js';
