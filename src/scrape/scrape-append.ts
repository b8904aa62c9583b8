/**
 * Parsing one scraped body into an appender: the synchronous hot path of every scrape
 * (upstream's `scrapeLoop.append`). Per sample it looks the series key up in the target's
 * scrape cache and, for a known series, appends with the cached labels and reference: no label
 * set is built, relabelled or validated. A new series gets the target's labels (`honor_labels`
 * deciding conflicts), `metric_relabel_configs`, validation and the label limits, and is cached.
 *
 * All or nothing. A body that breaks a limit (`sample_limit`, a label limit), that does not
 * parse, or whose series are invalid returns an `error`; the caller rolls the appender back,
 * so nothing of it is stored, and appends an empty body instead, which writes stale markers for
 * every series of the previous scrape. Samples the storage refuses one by one (out of order,
 * duplicate timestamp, out of bounds) are counted and skipped, as upstream does.
 *
 * Staleness. After a successful body, every series the previous scrape exposed and this one
 * did not gets a stale marker at the scrape's timestamp. Series with explicit timestamps are
 * left alone (unless `track_timestamps_staleness`).
 */
import { Labels, LabelsBuilder, METRIC_NAME, compareStrings, validateLabels, type ValidationScheme } from '../model/labels/index.js';
import { relabel, type RelabelRule } from '../model/relabel/index.js';
import { EntryType, createParser, detectFormat, type ExpositionFormat, type SeriesKeyCache, type TextParser } from '../model/textparse/index.js';
import { DuplicateSampleError, OutOfBoundsError, OutOfOrderSampleError, TooOldSampleError, type Appender } from '../storage/index.js';
import { InvalidSeriesError, LabelLimitError, SampleLimitError, UnsupportedContentTypeError } from './errors.js';
import { checkLabelLimits, hasLabelLimits, type LabelLimits } from './limits.js';
import type { ScrapeCache } from './scrape-cache.js';
import { STALE_NAN } from '../model/value/index.js';
import { BugError, TurnSlices } from '../util/index.js';

/** Samples more than this far in the future are out of bounds (upstream's `maxAheadTime`). */
const MAX_AHEAD_MS = 10 * 60 * 1000;

/** How the series of one target are turned into samples; fixed for the life of a loop. */
export interface AppendOptions {
  /** Public labels of the target, attached to every series. */
  readonly targetLabels: Labels;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  /** 0 for no limit. */
  readonly sampleLimit: number;
  readonly labelLimits: LabelLimits;
  readonly metricRelabel: readonly RelabelRule[];
  readonly validationScheme: ValidationScheme;
  /** Format for bodies without a usable Content-Type (`fallback_scrape_protocol`); undefined sniffs the body. */
  readonly fallbackFormat: ExpositionFormat | undefined;
}

/**
 * Options with upstream's scrape defaults (honor_timestamps on, no limits, no metric
 * relabeling, UTF-8 names, format sniffed) for `targetLabels`, with `over` applied on top.
 */
export function defaultAppendOptions(targetLabels: Labels, over: Partial<AppendOptions> = {}): AppendOptions {
  return {
    targetLabels,
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    sampleLimit: 0,
    labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
    metricRelabel: [],
    validationScheme: 'utf8',
    fallbackFormat: undefined,
    ...over,
  };
}

/** What one body amounted to; `error` set means the caller must roll back. */
export interface AppendResult {
  /** Samples in the body (`scrape_samples_scraped`). */
  total: number;
  /** Samples left after metric relabelling (`scrape_samples_post_metric_relabeling`), duplicates included. */
  added: number;
  /** Series appended for the first time (`scrape_series_added`). */
  seriesAdded: number;
  outOfOrder: number;
  duplicates: number;
  outOfBounds: number;
  /** Pieces the body was appended in (1 when in one go; see `appendInPieces`). */
  pieces: number;
  /** The body was rejected as a whole. */
  error: Error | undefined;
}

/** Counters the appender reports into (the pool's self-metrics). */
export interface AppendMetricsSink {
  sampleLimitExceeded(): void;
  labelLimitExceeded(): void;
  outOfOrder(n: number): void;
  duplicates(n: number): void;
  outOfBounds(n: number): void;
}

const EMPTY_BODY = Buffer.alloc(0);

/** A body being appended between `begin` and the `step` that finishes it. */
interface PendingBody {
  readonly app: Appender;
  readonly p: TextParser;
  readonly defTime: number;
  /** Samples after this time (ms) are out of bounds; fixed when the body begins. */
  readonly maxT: number;
  /** The result so far (counts of the pieces done). */
  readonly res: AppendResult;
  /** Samples counted against `sample_limit` so far. */
  limited: number;
  sampleLimitHit: boolean;
  pieces: number;
}

/**
 * `exposed` with the target labels merged in, by one walk over both sorted sets. On a name
 * both have, `honor` keeps the exposed value; without `honor` the merge gives up (returns
 * undefined) so that the caller can rename the exposed label to `exported_<name>`.
 */
function mergeTargetLabels(exposed: Labels, target: Labels, honor: boolean): Labels | undefined {
  const n = exposed.length;
  const m = target.length;
  if (m === 0) return exposed;
  const kv: string[] = new Array((n + m) * 2);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < n || j < m) {
    let c: number;
    if (i === n) c = 1;
    else if (j === m) c = -1;
    else c = compareStrings(exposed.nameAt(i), target.nameAt(j));
    if (c < 0) {
      kv[k++] = exposed.nameAt(i);
      kv[k++] = exposed.valueAt(i++);
    } else if (c > 0) {
      kv[k++] = target.nameAt(j);
      kv[k++] = target.valueAt(j++);
    } else {
      if (!honor) return undefined;
      kv[k++] = exposed.nameAt(i);
      kv[k++] = exposed.valueAt(i++);
      j++;
    }
  }
  kv.length = k;
  return Labels.fromSortedFlat(kv);
}

/**
 * Appends the bodies of one target, one body at a time; one per scrape loop. A body is appended
 * at once (`append`) or in pieces across event-loop turns (`appendInPieces`, or `begin` then
 * `step`); the samples go to the caller's appender either way, which commits or rolls back once.
 */
export class BodyAppender {
  readonly #opts: AppendOptions;
  readonly #cache: ScrapeCache;
  readonly #keyCache: SeriesKeyCache;
  readonly #metrics: AppendMetricsSink | undefined;
  readonly #builder = new LabelsBuilder();
  readonly #limits: boolean;
  #run: PendingBody | undefined;

  constructor(opts: AppendOptions, cache: ScrapeCache, keyCache: SeriesKeyCache, metrics?: AppendMetricsSink) {
    this.#opts = opts;
    this.#cache = cache;
    this.#keyCache = keyCache;
    this.#metrics = metrics;
    this.#limits = hasLabelLimits(opts.labelLimits);
  }

  /** The cache this appender reads and fills. */
  get cache(): ScrapeCache {
    return this.#cache;
  }

  /**
   * Appends the samples of `body` (Content-Type `contentType`) at `defTime` (ms; samples with
   * their own timestamp keep it when `honor_timestamps`), then stale markers for series that
   * left. An empty body only writes stale markers. See the module comment for errors.
   */
  append(app: Appender, body: Buffer, contentType: string, defTime: number): AppendResult {
    return this.begin(app, body, contentType, defTime) ?? this.step(undefined)!;
  }

  /**
   * Appends `body` as `append` does, in pieces of about `sliceMs` of work, each in a turn of the
   * event loop of its own (`TurnSlices`), so that queries and other scrapes run in between. The
   * first piece waits for a turn too: it would otherwise run in the I/O callback that completed
   * the body, on top of whatever else that turn holds (other bodies, WAL callbacks applying
   * commits) and before the query slice of the same turn. After each turn `halted()` is asked:
   * when true, the append is abandoned and the promise resolves undefined; the caller must then
   * roll `app` back and call the cache's `abortIter()` (nothing was committed, the iteration did
   * not end).
   */
  async appendInPieces(app: Appender, body: Buffer, contentType: string, defTime: number, sliceMs: number, halted: () => boolean): Promise<AppendResult | undefined> {
    const slices = new TurnSlices(sliceMs);
    await slices.next();
    if (halted()) return undefined;
    const done = this.begin(app, body, contentType, defTime);
    if (done !== undefined) return done;
    for (;;) {
      const res = this.step(slices);
      if (res !== undefined) return res;
      await slices.next();
      if (halted()) {
        this.#run = undefined;
        return undefined;
      }
    }
  }

  /**
   * Starts appending `body`: returns the result when there is nothing to step through (an empty
   * body writes the stale markers, an unreadable Content-Type is an error), else undefined and
   * `step` does the work.
   */
  begin(app: Appender, body: Buffer, contentType: string, defTime: number): AppendResult | undefined {
    const res: AppendResult = { total: 0, added: 0, seriesAdded: 0, outOfOrder: 0, duplicates: 0, outOfBounds: 0, pieces: 1, error: undefined };
    this.#run = undefined;
    if (body.length === 0) {
      res.error = this.#appendStale(app, defTime);
      this.#cache.iterDone(false);
      return res;
    }
    const format = this.#format(contentType, body);
    if (format instanceof Error) {
      res.error = format;
      return res;
    }
    const p = createParser(body, contentType, { format, keyCache: this.#keyCache, strict: false });
    const maxT = Date.now() + MAX_AHEAD_MS;
    this.#run = { app, p, defTime, maxT, res, limited: 0, sampleLimitHit: false, pieces: 0 };
    return undefined;
  }

  /**
   * Appends the samples of the body `begin` started until its end, or until `slices` says the
   * slice is used up (looked at every 64 entries; never without `slices`): returns the result
   * at the end, undefined when there is more to do.
   */
  step(slices: TurnSlices | undefined): AppendResult | undefined {
    const r = this.#run;
    if (r === undefined) throw new BugError('BodyAppender.step without a body begun');
    r.pieces++;
    const { app, p, defTime, maxT, res } = r;
    const cache = this.#cache;
    const o = this.#opts;
    const honorTs = o.honorTimestamps;
    const trackTs = o.trackTimestampsStaleness;
    const sampleLimit = o.sampleLimit;
    const iter = cache.iter;
    let limited = r.limited;
    let sampleLimitHit = r.sampleLimitHit;
    let total = res.total;
    let added = res.added;
    let seriesAdded = res.seriesAdded;
    let err: Error | undefined;
    let paused = false;
    let n = 0;
    try {
      for (;;) {
        if (slices !== undefined && (++n & 63) === 0 && slices.due) {
          paused = true;
          break;
        }
        const et = p.next();
        if (et === EntryType.None) break;
        if (et !== EntryType.Series) {
          if (et === EntryType.Type) cache.setType(p.familyName(), p.type());
          else if (et === EntryType.Help) cache.setHelp(p.familyName(), p.help());
          else if (et === EntryType.Unit) cache.setUnit(p.familyName(), p.unit());
          continue;
        }
        total++;
        const key = p.seriesKey();
        let t = defTime;
        let explicitTs = false;
        if (honorTs) {
          const ts = p.timestamp();
          if (ts !== undefined) {
            t = ts;
            explicitTs = true;
          }
        }
        if (cache.isDropped(key)) continue;
        let e = cache.get(key);
        let labels: Labels;
        let duplicate = false;
        if (e !== undefined) {
          duplicate = e.lastIter === iter;
          e.lastIter = iter;
          labels = e.labels;
        } else {
          const mutated = this.#mutate(p.labels());
          if (mutated === undefined) {
            cache.addDropped(key);
            continue;
          }
          labels = mutated;
          err = this.#check(labels);
          if (err !== undefined) break;
        }
        added++;
        if (duplicate && !explicitTs) {
          res.duplicates++;
          continue;
        }
        if (sampleLimit > 0 && ++limited > sampleLimit) {
          // Keep parsing so that scrape_samples_scraped reports the whole body.
          sampleLimitHit = true;
          continue;
        }
        if (t > maxT) {
          res.outOfBounds++;
          continue;
        }
        let ref: number;
        try {
          ref = app.append(e !== undefined ? e.ref : 0, labels, t, p.value());
        } catch (appendErr) {
          if (appendErr instanceof OutOfOrderSampleError) res.outOfOrder++;
          else if (appendErr instanceof DuplicateSampleError) res.duplicates++;
          else if (appendErr instanceof OutOfBoundsError || appendErr instanceof TooOldSampleError) res.outOfBounds++;
          else {
            err = appendErr as Error;
            break;
          }
          continue;
        }
        if (e === undefined) {
          e = cache.add(key, ref, labels);
          if (!sampleLimitHit) seriesAdded++;
        } else e.ref = ref;
        if (!explicitTs || trackTs) cache.track(e);
      }
    } catch (parseErr) {
      err = parseErr as Error;
    }
    res.total = total;
    res.added = added;
    res.seriesAdded = seriesAdded;
    if (paused) {
      r.limited = limited;
      r.sampleLimitHit = sampleLimitHit;
      return undefined;
    }
    this.#run = undefined;
    res.pieces = r.pieces;
    if (err === undefined && sampleLimitHit) {
      err = new SampleLimitError();
      this.#metrics?.sampleLimitExceeded();
    }
    if (res.outOfOrder > 0) this.#metrics?.outOfOrder(res.outOfOrder);
    if (res.duplicates > 0) this.#metrics?.duplicates(res.duplicates);
    if (res.outOfBounds > 0) this.#metrics?.outOfBounds(res.outOfBounds);
    if (err === undefined) err = this.#appendStale(app, defTime);
    if (err === undefined) cache.iterDone(true);
    res.error = err;
    return res;
  }

  /** Writes stale markers at `t` for the series that left; out-of-order and duplicate refusals are expected and ignored. */
  #appendStale(app: Appender, t: number): Error | undefined {
    let err: Error | undefined;
    this.#cache.forEachStale((e) => {
      try {
        e.ref = app.append(e.ref, e.labels, t, STALE_NAN);
      } catch (appendErr) {
        if (!(appendErr instanceof OutOfOrderSampleError || appendErr instanceof DuplicateSampleError)) {
          err = appendErr as Error;
          return false;
        }
      }
      return true;
    });
    return err;
  }

  /** An empty append: stale markers for every series of the previous scrape. */
  appendEmpty(app: Appender, t: number): AppendResult {
    return this.append(app, EMPTY_BODY, '', t);
  }

  /** The parser format for a response, or why the body cannot be read. */
  #format(contentType: string, body: Buffer): ExpositionFormat | Error {
    const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
    if (media === 'application/openmetrics-text') return 'openmetrics';
    if (media === 'text/plain') return 'text';
    const fallback = this.#opts.fallbackFormat;
    if (fallback !== undefined) return fallback;
    if (media === '') return detectFormat(undefined, body);
    if (media === 'application/vnd.google.protobuf') return new UnsupportedContentTypeError(contentType);
    return 'text';
  }

  /**
   * The series' final labels: target labels added (with `honor_labels`, the exposed labels win;
   * without, the target's win and clashing exposed labels move to `exported_<name>`, shortest
   * names first, adding `exported_` until the name is free), then metric relabelling.
   * Undefined when relabelling dropped the series or left no labels.
   */
  #mutate(lset: Labels): Labels | undefined {
    const o = this.#opts;
    let out: Labels | undefined = mergeTargetLabels(lset, o.targetLabels, o.honorLabels) ?? this.#mutateWithConflicts(lset);
    if (o.metricRelabel.length > 0) out = relabel(out, o.metricRelabel);
    return out === undefined || out.isEmpty() ? undefined : out;
  }

  /** The slow path of `#mutate` for exposed labels that clash with target labels (without `honor_labels`). */
  #mutateWithConflicts(lset: Labels): Labels {
    const t = this.#opts.targetLabels;
    const b = this.#builder.reset(lset);
    const conflicts: Array<[string, string]> = [];
    for (let i = 0; i < t.length; i++) {
      const name = t.nameAt(i);
      const exposed = lset.get(name);
      if (exposed !== '') conflicts.push([name, exposed]);
      b.set(name, t.valueAt(i));
    }
    conflicts.sort((x, y) => x[0].length - y[0].length); // stable
    for (const [name, value] of conflicts) {
      let n = name;
      do n = `exported_${n}`;
      while (b.get(n) !== '');
      b.set(n, value);
    }
    const out = b.labels();
    b.reset();
    return out;
  }

  /** Why a new series cannot be stored: no name, invalid names or values, or a label limit. */
  #check(labels: Labels): Error | undefined {
    if (!labels.has(METRIC_NAME)) return new InvalidSeriesError(`missing metric name (${METRIC_NAME} label)`);
    if (validateLabels(labels, this.#opts.validationScheme) !== undefined) return new InvalidSeriesError(`invalid metric name or label names: ${labels.toString()}`);
    if (this.#limits) {
      const msg = checkLabelLimits(labels, this.#opts.labelLimits);
      if (msg !== undefined) {
        this.#metrics?.labelLimitExceeded();
        return new LabelLimitError(msg);
      }
    }
    return undefined;
  }
}
