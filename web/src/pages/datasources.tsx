import { useState } from 'react';
import { api } from '../api/client.ts';
import type { DataSource, SourceTest } from '../api/admin-types.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { usePages } from '../api/use-pages.ts';
import { DataSourceEditor } from '../components/datasource-editor.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';

const where = (d: DataSource): string =>
  d.kind === 'sqlite' ? (d.filePath ?? '—') : `${d.user ?? '?'}@${d.host ?? '?'}${d.port ? `:${d.port}` : ''}/${d.database ?? ''}`;

/** The monitored databases KPIs query, each with a connection test. */
export function DataSourcesPage() {
  const sources = usePages((cursor, s) => api.get<Page<DataSource>>('datasources', { cursor, limit: 100 }, s), []);
  const [editing, setEditing] = useState<DataSource | 'new' | null>(null);
  const remove = useAction();
  const del = (d: DataSource) => {
    if (!window.confirm(`Delete the data source ${d.name}?`)) return;
    void remove.run(async () => { await api.delete(`datasources/${encodeURIComponent(d.id)}`); sources.reload(); });
  };
  return (
    <section>
      <div className="page-head">
        <h1>Data sources</h1>
        <button type="button" onClick={() => setEditing('new')}>New data source</button>
      </div>
      {editing && (
        <DataSourceEditor key={editing === 'new' ? 'new' : editing.id} source={editing === 'new' ? null : editing}
          onClose={(saved) => { setEditing(null); if (saved) sources.reload(); }} />
      )}
      <ErrorMessage error={remove.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Data sources</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Where</th><th scope="col">Password</th><th scope="col">Connection</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {sources.items.map((d) => (
              <tr key={d.id}>
                <td>{d.name}</td>
                <td>{d.kind}</td>
                <td className="wrap">
                  {where(d)}{d.ssl && ' (TLS)'}
                  {d.allowPrivilegedUser && <div className="error-text small">Warning: runs KPI queries as a privileged user (allowPrivilegedUser)</div>}
                </td>
                <td>{d.passwordEnv ? `from $${d.passwordEnv}` : d.hasPassword ? 'stored' : 'none'}</td>
                <td><ConnectionTest source={d} /></td>
                <td className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(d)} aria-label={`Edit ${d.name}`}>Edit</button>
                  <button type="button" className="secondary" onClick={() => del(d)} aria-label={`Delete ${d.name}`}>Delete</button>
                  <HistoryLink type="datasource" id={d.id} name={d.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton pages={sources} noun="data source" />
    </section>
  );
}

/** Connects, runs a trivial query, and says how long it took and what answered (or why not). */
function ConnectionTest({ source }: { source: DataSource }) {
  const [result, setResult] = useState<SourceTest | null>(null);
  const test = useAction();
  const run = () => void test.run(async () => setResult(await api.post<SourceTest>(`datasources/${encodeURIComponent(source.id)}/test`)));
  return (
    <div className="stack tight">
      <button type="button" className="secondary" disabled={test.busy} onClick={run} aria-label={`Test the connection to ${source.name}`}>
        {test.busy ? 'Testing…' : 'Test connection'}
      </button>
      <div aria-live="polite" className="small connection-result">
        <ErrorMessage error={test.error} />
        {result && (result.ok
          ? <span className="ok-text">Connected in {result.latencyMs} ms{result.version && <>: {result.version}</>}
            {(result.warnings ?? []).map((w) => <span key={w} className="error-text"><br />Warning: {w}</span>)}</span>
          : <span className="error-text">Failed after {result.latencyMs} ms: {result.error}</span>)}
      </div>
    </div>
  );
}
