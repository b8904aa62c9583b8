/**
 * The Graph tab's chart: uPlot lines (or stacked areas) with an SI-formatted y axis, UTC time
 * axis, a tooltip for the series nearest the cursor, drag to zoom, and a legend that shows every
 * series' full label set (click to isolate, Ctrl/Cmd+click to toggle, hover to highlight).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RangeSeries } from '../lib/api';
import { formatSeries, formatSI, formatTime } from '../lib/format';
import { cssVar, useTheme } from '../lib/theme';
import { alignSeries, seriesColor, stack } from './series-data';

/** Props of `GraphView`. */
export interface GraphViewProps {
  series: readonly RangeSeries[];
  startMs: number;
  endMs: number;
  stepMs: number;
  stacked: boolean;
  /** `performance.now()` when the response had arrived; the render time is measured from it. */
  responseAt: number;
  /**
   * Called with the time from `responseAt` to the first full draw of the canvas (JSON parsing,
   * data alignment, the chart and its legend), also kept as the User Timing measure
   * `ignis:graph-render`.
   */
  onRendered?(ms: number): void;
  /** Drag-zoom: the selected window in ms. */
  onZoom?(startMs: number, endMs: number): void;
}

const HEIGHT = 360;

/** A User Timing mark of the last graph build (one of each name is kept), for profiling. */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * Labels of the time axis in UTC, 24-hour: `HH:mm:ss` for spans up to 10 minutes, `HH:mm` up
 * to two days (with the date at midnight), `MM-DD HH:mm` beyond.
 */
function timeTicks(splits: number[], spanS: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
    const md = `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
    if (spanS <= 600) return `${hm}:${two(d.getUTCSeconds())}`;
    if (spanS <= 2 * 86400) return hm === '00:00' ? md : hm;
    return `${md} ${hm}`;
  });
}

/** Renders one range result. */
export function GraphView(props: GraphViewProps) {
  const { series, startMs, endMs, stepMs, stacked, responseAt } = props;
  const theme = useTheme();
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const cb = useRef(props);
  cb.current = props;
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const labels = useMemo(() => series.map((s) => formatSeries(s.metric)), [series]);

  useEffect(() => setHidden(new Set()), [series]);

  // A layout effect: the chart is built in the same task as the render, not a frame later.
  useLayoutEffect(() => {
    const el = host.current!;
    const dark = theme === 'dark';
    mark('ignis:graph-start');
    const aligned = alignSeries(series, startMs, endMs, stepMs);
    mark('ignis:graph-aligned');
    const raw = aligned.ys;
    const ys = stacked ? stack(raw) : raw;
    const fg = cssVar('--muted') || '#666';
    const grid = cssVar('--grid') || 'rgba(128,128,128,0.2)';
    let focused = -1;
    let firstDraw = true;

    const showTip = (u: uPlot) => {
      const t = tip.current;
      if (!t) return;
      const idx = u.cursor.idx;
      if (idx === null || idx === undefined || focused < 1 || u.cursor.left === undefined || u.cursor.left < 0) {
        t.hidden = true;
        return;
      }
      const v = raw[focused - 1]![idx];
      if (v === null || v === undefined) {
        t.hidden = true;
        return;
      }
      t.hidden = false;
      t.replaceChildren();
      const time = document.createElement('div');
      time.className = 'tip-time';
      time.textContent = formatTime(aligned.xs[idx]! * 1000) + ' UTC';
      const row = document.createElement('div');
      row.className = 'tip-row';
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = seriesColor(focused - 1, dark);
      const val = document.createElement('strong');
      val.textContent = String(v);
      row.append(sw, val);
      const lab = document.createElement('div');
      lab.className = 'tip-labels';
      lab.textContent = labels[focused - 1]!;
      t.append(time, row, lab);
      const ob = u.over.getBoundingClientRect();
      const eb = el.getBoundingClientRect();
      const left = u.cursor.left + ob.left - eb.left;
      const top = (u.cursor.top ?? 0) + ob.top - eb.top;
      const w = el.clientWidth;
      t.style.left = `${Math.min(left + 12, Math.max(0, w - t.offsetWidth - 4))}px`;
      t.style.top = `${top + 12}px`;
    };

    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      pxAlign: 0,
      legend: { show: false },
      focus: { alpha: 0.25 },
      cursor: {
        focus: { prox: 24 },
        points: { size: 6 },
        drag: { x: true, y: false, setScale: false },
      },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: [startMs / 1000, endMs / 1000] } },
      series: [
        {},
        ...series.map((_, i) => ({
          label: labels[i],
          stroke: seriesColor(i, dark),
          width: series.length > 50 ? 1 : 1.5,
          fill: stacked ? seriesColor(i, dark).replace('hsl', 'hsla').replace(')', ', 0.35)') : undefined,
          points: { show: false },
          spanGaps: false,
        })),
      ],
      axes: [
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, values: (u, splits) => timeTicks(splits, (u.scales.x!.max ?? 0) - (u.scales.x!.min ?? 0)) },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 56, values: (_u, splits) => splits.map((v) => formatSI(v)) },
      ],
      hooks: {
        drawClear: [
          () => {
            if (firstDraw) mark('ignis:graph-draw-start');
          },
        ],
        draw: [
          () => {
            if (firstDraw) {
              firstDraw = false;
              mark('ignis:graph-drawn');
              performance.clearMeasures('ignis:graph-render');
              const m = performance.measure('ignis:graph-render', { start: responseAt, end: 'ignis:graph-drawn' });
              cb.current.onRendered?.(m.duration);
            }
          },
        ],
        setSeries: [
          (_u, idx, opts) => {
            // uPlot passes the `{show, focus}` change here, although its types say `Series`.
            const f = (opts as { focus?: boolean }).focus;
            if (f !== undefined) focused = f && idx !== null ? idx : -1;
          },
        ],
        setCursor: [showTip],
        setSelect: [
          (u) => {
            if (u.select.width > 2) {
              const a = u.posToVal(u.select.left, 'x');
              const b = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              cb.current.onZoom?.(Math.round(a * 1000), Math.round(b * 1000));
            }
          },
        ],
      },
    };
    const u = new uPlot(opts, [aligned.xs, ...ys] as uPlot.AlignedData, el);
    mark('ignis:graph-created');
    plot.current = u;
    const onLeave = () => {
      if (tip.current) tip.current.hidden = true;
    };
    u.over.addEventListener('mouseleave', onLeave);
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: HEIGHT });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, [series, startMs, endMs, stepMs, stacked, theme, responseAt, labels]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.batch(() => {
      for (let i = 0; i < series.length; i++) {
        const show = !hidden.has(i);
        if (u.series[i + 1]!.show !== show) u.setSeries(i + 1, { show });
      }
    });
  }, [hidden, series]);

  const toggle = (i: number, e: MouseEvent) => {
    setHidden((h) => {
      if (e.ctrlKey || e.metaKey) {
        const n = new Set(h);
        if (n.has(i)) n.delete(i);
        else n.add(i);
        return n;
      }
      const isolated = h.size === series.length - 1 && !h.has(i);
      if (isolated) return new Set();
      const n = new Set<number>();
      for (let j = 0; j < series.length; j++) if (j !== i) n.add(j);
      return n;
    });
  };
  const highlight = (i: number | null) => {
    const u = plot.current;
    if (!u) return;
    if (i === null) u.setSeries(null, { focus: false });
    else if (!hidden.has(i)) u.setSeries(i + 1, { focus: true });
  };

  const dark = theme === 'dark';
  return (
    <div class="graph">
      <div class="graph-canvas" ref={host} data-testid="graph">
        <div class="graph-tip" ref={tip} hidden role="tooltip" />
      </div>
      <ul class="legend" aria-label="Series (click to isolate, Ctrl+click to toggle)">
        {labels.map((l, i) => (
          <li key={i}>
            <button
              type="button"
              class={'legend-item' + (hidden.has(i) ? ' off' : '')}
              aria-pressed={!hidden.has(i)}
              onClick={(e) => toggle(i, e)}
              onMouseEnter={() => highlight(i)}
              onMouseLeave={() => highlight(null)}
              onFocus={() => highlight(i)}
              onBlur={() => highlight(null)}
            >
              <span class="swatch" style={{ background: seriesColor(i, dark) }} />
              <span class="legend-labels">{l}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
