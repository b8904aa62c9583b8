/**
 * WAL record payloads (series, samples, tombstones; m-map markers for tests) in Prometheus' encoding, and the columnar
 * sample batch the head uses on its append and replay paths.
 */
export { RecordType, RecordDecodeError, type RefSeries, type RefTombstone } from './types.js';
export { SampleBatch } from './sample-batch.js';
export { encodeSeries, encodeLabels, encodeTombstones, encodeSamples, encodeSamplesInto, samplesRecordMaxSize } from './encode.js';
export { recordType, decodeSeries, decodeSamples, decodeTombstones } from './decode.js';
export { encodeMmapMarkers, decodeMmapMarkers, type RefMmapMarker } from './mmap-markers.js';
