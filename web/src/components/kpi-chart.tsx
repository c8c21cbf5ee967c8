import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Alert, ExecutionRecord } from '../api/types.ts';
import { chartData, spans, type ChartColumns } from './chart-data.ts';

type Marked = Pick<Alert, 'openedAt' | 'resolvedAt'>;

export interface ChartProps {
  /** One series' history, any order. */
  readonly rows?: readonly ExecutionRecord[];
  /** Or the columns themselves (a backtest's points). */
  readonly columns?: ChartColumns;
  readonly alerts: readonly Marked[];
  /** The KPI's absolute limits, drawn as solid lines when set. */
  readonly thresholds: { readonly min: number | null; readonly max: number | null };
  readonly label: string;
  /** The chosen range, epoch milliseconds: the x axis spans all of it, however few runs fall in it. */
  readonly window: { readonly from: number; readonly to: number };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * The band each run was judged against, under the series: shaded where both sides are bounded, an edge
 * line where one is; a side without a limit is not drawn. A run alone in its stretch gets a short mark.
 */
function recordedBand([xs, , , lows, highs]: ChartColumns): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u) => {
        const { ctx, bbox } = u;
        const x = (i: number) => u.valToPos(xs[i]!, 'x', true);
        const y = (v: number | null) => u.valToPos(v!, 'y', true);
        const half = 3 * uPlot.pxRatio;
        /** One side's points from run a to run b, left to right; a lone run's side is a short level mark. */
        const edge = (side: (number | null)[], a: number, b: number): number[][] =>
          a === b ? [[x(a) - half, y(side[a]!)], [x(a) + half, y(side[a]!)]] : Array.from({ length: b - a + 1 }, (_, k) => [x(a + k), y(side[a + k]!)]);
        const trace = (points: number[][]) => points.forEach(([px, py], k) => (k === 0 ? ctx.moveTo(px!, py!) : ctx.lineTo(px!, py!)));
        ctx.save();
        ctx.beginPath();
        ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
        ctx.clip();
        ctx.fillStyle = 'rgba(128, 128, 128, 0.2)';
        for (const [a, b] of spans(xs.length, (i) => lows[i] !== null && highs[i] !== null)) {
          ctx.beginPath();
          trace([...edge(highs, a, b), ...edge(lows, a, b).reverse()]);
          ctx.closePath();
          ctx.fill();
        }
        ctx.strokeStyle = css('--muted');
        ctx.lineWidth = uPlot.pxRatio;
        for (const side of [lows, highs]) {
          for (const [a, b] of spans(xs.length, (i) => side[i] !== null)) {
            ctx.beginPath();
            trace(edge(side, a, b));
            ctx.stroke();
          }
        }
        ctx.restore();
      },
    },
  };
}

/** Vertical marks where alerts opened (alert colour) and resolved (ok colour), and the absolute limits. */
function markers(alerts: readonly Marked[], thresholds: ChartProps['thresholds']): uPlot.Plugin {
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

/** Value against the baseline and its recorded band over time, with alert markers; the table below it has the same data in words. */
export function KpiChart({ rows, columns, alerts, thresholds, label, window }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const accent = css('--accent');
    const muted = css('--muted');
    const data = columns ?? chartData(rows ?? []);
    const opts: uPlot.Options = {
      width: el.clientWidth, height: 280,
      plugins: [recordedBand(data), markers(alerts, thresholds)],
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
      legend: { show: true },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 280 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows, columns, alerts, thresholds.min, thresholds.max, window.from, window.to]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}
