/**
 * Merging several queriers of overlapping sources into one: sorted merge by labels, samples
 * deduplicated by timestamp.
 */
export { MergeQuerier, mergeQueriers, sortedRequests } from './merge-querier.js';
export { MergeSeriesSet, MergedSeries } from './merge-series-set.js';
export { MergeSampleIterator } from './merge-iterator.js';
