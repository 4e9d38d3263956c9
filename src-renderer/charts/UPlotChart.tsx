/**
 * One uPlot chart. uPlot is created once per chart and fed with setData() on updates (no React
 * re-render of the canvas), sized by a ResizeObserver, and coloured from the theme's CSS
 * variables so it follows light/dark.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { queueChartUpdate } from './frameQueue';

export interface ChartSeries {
  label: string;
}

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function latest(values: uPlot.AlignedData[number] | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v as number;
  }
  return null;
}

export function UPlotChart({
  series,
  data,
  height = 180,
  format,
  axisFormat,
  xRange,
  label,
  onDrawn,
}: {
  series: ChartSeries[];
  data: AlignedData;
  height?: number;
  format: (v: number | null) => string;
  /** The query window [start, end] in seconds, so a chart with few points keeps a sane time axis. */
  xRange?: [number, number];
  /** Short tick labels for the value axis (defaults to `format`). */
  axisFormat?: (v: number) => string;
  /** Accessible name of the chart image. */
  label: string;
  onDrawn?: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');
  const formatRef = useRef(format);
  const axisRef = useRef(axisFormat);
  const xRangeRef = useRef(xRange);
  const drawnRef = useRef(onDrawn);
  useLayoutEffect(() => {
    formatRef.current = format;
    axisRef.current = axisFormat;
    xRangeRef.current = xRange;
    drawnRef.current = onDrawn;
  });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const axis = cssVar('--muted', '#888');
    const grid = cssVar('--border', '#ddd');
    const opts: Options = {
      width: Math.max(200, el.clientWidth),
      height,
      // Idle legend: series names only (values appear while the cursor is over the chart).
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      // Every panel's values are ≥ 0: start the axis at 0, and keep a flat zero line at the bottom.
      scales: {
        x: { time: true, ...(xRange ? { range: () => xRangeRef.current! } : {}) },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 64,
          values: (_u, vals) => vals.map((v) => (axisRef.current ?? formatRef.current)(v)),
        },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: cssVar(PALETTE[i % PALETTE.length]!, '#3b82f6'),
          width: 1.5,
          // uPlot shows points only where they are sparse enough to see (a new series has few).
          // With the cursor off the chart, the legend shows each series' latest value.
          value: (u: uPlot, v: number | null, sidx: number, idx: number | null) =>
            formatRef.current(idx === null ? latest(u.data[sidx]) : v),
        })),
      ],
      hooks: { draw: [() => drawnRef.current?.()] },
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series set changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height]);

  // One chart per frame (charts/frameQueue.ts): eight charts refreshing together stay smooth.
  useEffect(() => queueChartUpdate(host, () => plot.current?.setData(data)), [data]);

  return <div ref={host} className="uplot-host" role="img" aria-label={label} />;
}
