/**
 * The storage seams and their errors; implementations live in `tsdb/` and `storage/remote/`.
 */
export {
  ValueType,
  type LabelMatcher,
  type SeriesRef,
  type Appender,
  type Appendable,
  type SelectHints,
  type SelectRequest,
  type SampleIterator,
  type FloatSampleBuffer,
  type Series,
  type SeriesSet,
  type Querier,
  type Queryable,
  type Storage,
} from './interface.js';
export {
  StorageError,
  OutOfOrderSampleError,
  OutOfBoundsError,
  DuplicateSampleError,
  TooOldSampleError,
  InvalidLabelsError,
  WriteFailedError,
} from './errors.js';
