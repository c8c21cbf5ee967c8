import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Alert, ExecutionRecord } from '../api/types.ts';

export interface ChartProps {
  /** One series' history, any order. */
  readonly rows: readonly ExecutionRecord[];
  /** The KPI's accepted deviation in percent: the band is baseline ± this. */
  readonly deviationPercent: number;
  readonly alerts: readonly Alert[];
  /** The KPI's absolute limits, drawn as solid lines when set. */
  readonly thresholds: { readonly min: number | null; readonly max: number | null };
  readonly label: string;
  /** The chosen range, epoch milliseconds: the x axis spans all of it, however few runs fall in it. */
  readonly window: { readonly from: number; readonly to: number };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Columns for uPlot: time (s), value, baseline, band low, band high. */
export function chartData(rows: readonly ExecutionRecord[], deviationPercent: number): uPlot.AlignedData {
  const sorted = [...rows].filter((r) => r.status === 'success').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const band = (r: ExecutionRecord, sign: 1 | -1) => (r.baseline === null ? null : r.baseline + (sign * Math.abs(r.baseline) * deviationPercent) / 100);
  return [
    sorted.map((r) => new Date(r.startedAt).getTime() / 1000),
    sorted.map((r) => r.value),
    sorted.map((r) => r.baseline),
    sorted.map((r) => band(r, -1)),
    sorted.map((r) => band(r, 1)),
  ];
}

/** Vertical marks where alerts opened (alert colour) and resolved (ok colour), and the absolute limits. */
function markers(alerts: readonly Alert[], thresholds: ChartProps['thresholds']): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        for (const limit of [thresholds.min, thresholds.max]) {
          if (limit === null) continue;
          const y = u.valToPos(limit, 'y', true);
          if (y < bbox.top || y > bbox.top + bbox.height) continue;
          ctx.save();
          ctx.strokeStyle = css('--breaching');
          ctx.lineWidth = uPlot.pxRatio;
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
          ctx.restore();
        }
        const mark = (iso: string | null, colour: string) => {
          if (!iso) return;
          const x = u.valToPos(new Date(iso).getTime() / 1000, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) return;
          ctx.save();
          ctx.strokeStyle = colour;
          ctx.lineWidth = 2 * uPlot.pxRatio;
          ctx.setLineDash([6 * uPlot.pxRatio, 4 * uPlot.pxRatio]);
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
          ctx.restore();
        };
        for (const a of alerts) {
          mark(a.openedAt, css('--alerting'));
          mark(a.resolvedAt, css('--ok'));
        }
      },
    },
  };
}

/** Value against the baseline band over time, with alert markers; the table below it has the same data in words. */
export function KpiChart({ rows, deviationPercent, alerts, thresholds, label, window }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const accent = css('--accent');
    const muted = css('--muted');
    const opts: uPlot.Options = {
      width: el.clientWidth, height: 280,
      plugins: [markers(alerts, thresholds)],
      // The chosen range, padded on both sides so that a marker or point at the very edge stays visible.
      scales: { x: { time: true, range: () => { const [min, max] = [window.from / 1000, window.to / 1000]; const pad = (max - min) * 0.02; return [min - pad, max + pad]; } } },
      axes: [{ stroke: muted, grid: { stroke: css('--border') } }, { stroke: muted, grid: { stroke: css('--border') } }],
      series: [
        {},
        { label: 'Value', stroke: accent, width: 2, points: { show: true, size: 4 } },
        { label: 'Baseline', stroke: muted, width: 1, dash: [4, 4] },
        { label: 'Band low', stroke: 'transparent', points: { show: false } },
        { label: 'Band high', stroke: 'transparent', points: { show: false } },
      ],
      bands: [{ series: [4, 3], fill: 'rgba(128, 128, 128, 0.18)' }],
      legend: { show: true },
    };
    const plot = new uPlot(opts, chartData(rows, deviationPercent), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 280 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows, deviationPercent, alerts, thresholds.min, thresholds.max, window.from, window.to]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
