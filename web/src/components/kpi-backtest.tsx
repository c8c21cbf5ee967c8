import { useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { BacktestJob } from '../api/types.ts';
import { BacktestView, useBacktestJob } from './backtest-panel.tsx';
import { ErrorMessage } from './status.tsx';

/** The KPI page's backtest: its rule (or another sensitivity to try) over its own past, beside the saved rule. */
export function KpiBacktest({ id }: { id: string }) {
  const [days, setDays] = useState('14');
  const [sensitivity, setSensitivity] = useState('saved');
  const [failure, setFailure] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const backtest = useBacktestJob();
  const start = async () => {
    setBusy(true);
    setFailure(null);
    backtest.follow(null);
    try {
      const body = { days: Number(days), ...(sensitivity === 'saved' ? {} : { sensitivity: sensitivity === 'none' ? null : sensitivity }) };
      backtest.follow(await api.post<BacktestJob>(`kpis/${encodeURIComponent(id)}/backtest`, body));
    } catch (e) {
      setFailure(e instanceof ApiError && e.errors.length > 0 ? new Error(e.errors.map((x) => `${x.path.replace(/^\//, '')} ${x.message}`).join('; ')) : (e as Error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2 id="backtest-heading">What the rule would have done</h2>
      <div className="row" role="group" aria-labelledby="backtest-heading">
        <label>Days to replay <input name="backtestDays" type="number" min={1} max={90} value={days} onChange={(e) => setDays(e.target.value)} /></label>
        <label>Sensitivity to try
          <select name="backtestSensitivity" value={sensitivity} onChange={(e) => setSensitivity(e.target.value)}>
            <option value="saved">As saved</option><option value="low">Low</option><option value="medium">Medium</option><option value="high">High</option><option value="none">No band</option>
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => void start()} disabled={busy || backtest.job?.status === 'running'}>{busy ? 'Starting…' : 'Replay the past'}</button>
      </div>
      <ErrorMessage error={failure ?? backtest.error} />
      {backtest.job && <BacktestView job={backtest.job} onCancel={() => void backtest.cancel()} />}
    </>
  );
}
