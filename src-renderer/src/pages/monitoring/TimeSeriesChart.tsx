import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryResult } from '@shared/contract';

const PALETTE = [
  '#2563eb',
  '#d97706',
  '#16a34a',
  '#db2777',
  '#7c3aed',
  '#0891b2',
  '#dc2626',
  '#65a30d',
];

export interface ChartSeries {
  label: string;
  /** [time ms, average, maximum] */
  points: readonly (readonly [number, number, number])[];
}

/** Lines on one time axis: every series' buckets joined, a missing bucket is a gap. */
export function alignSeries(series: readonly ChartSeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort(
    (a, b) => a - b,
  );
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const values: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [t, avg] of s.points) values[index.get(t)!] = avg;
    return values;
  });
  return [times.map((t) => t / 1000), ...columns] as uPlot.AlignedData;
}

export function seriesFromHistory(
  history: HistoryResult | undefined,
  label: (key: string) => string = (key) => key,
): ChartSeries[] {
  return (history?.series ?? []).map((s) => ({ label: label(s.key), points: s.points }));
}

function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * A uPlot line chart sized to its container. The data arrives from the
 * history channel already bucketed (average per bucket); the x axis spans the
 * whole selected window even where there is no data yet.
 */
export function TimeSeriesChart({
  title,
  series,
  from,
  to,
  unit,
  height = 180,
  testId,
}: {
  title: string;
  series: readonly ChartSeries[];
  from: number;
  to: number;
  unit?: string;
  height?: number;
  testId?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\u0000');

  // Rebuild when the set of series changes; otherwise only the data moves.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const axisColour = cssVariable('--fg-muted', '#5c6570');
    const gridColour = cssVariable('--border', '#d4d8de');
    const names = labels === '' ? [] : labels.split('\u0000');
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max)] },
      },
      axes: [
        { stroke: axisColour, grid: { stroke: gridColour, width: 1 } },
        {
          stroke: axisColour,
          grid: { stroke: gridColour, width: 1 },
          size: 60,
          values: (_u, ticks) => ticks.map((v) => `${v.toLocaleString('en-US')}${unit ?? ''}`),
        },
      ],
      series: [
        {},
        ...names.map((label, i) => ({
          label,
          stroke: PALETTE[i % PALETTE.length]!,
          width: 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    };
    const plot = new uPlot(options, [[], ...names.map(() => [])] as uPlot.AlignedData, element);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, element.clientWidth), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [labels, height, unit]);

  useEffect(() => {
    const plot = chart.current;
    if (!plot) return;
    plot.setData(alignSeries(series), false);
    plot.setScale('x', { min: from / 1000, max: to / 1000 });
  }, [series, from, to, labels]);

  const empty = series.every((s) => s.points.length === 0);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">
        {title}
        {empty ? <span className="muted"> · no samples in this window yet</span> : null}
      </figcaption>
      <div ref={container} className="chart-canvas" />
    </figure>
  );
}
