import { api } from '../api/client.ts';
import { useResource } from '../api/use-resource.ts';
import { ErrorMessage, Loading } from '../components/status.tsx';
import type { PageProps } from '../router.tsx';

/** The grid: one tile per KPI (filled in by the next commits). */
export function GridPage(_props: PageProps) {
  const kpis = useResource((signal) => api.get<{ items: { id: string; indicator: string }[] }>('kpis', {}, signal), []);
  return (
    <section>
      <h1>KPIs</h1>
      <ErrorMessage error={kpis.error} />
      {kpis.loading && !kpis.data && <Loading />}
      <ul>{kpis.data?.items.map((k) => <li key={k.id}>{k.indicator}</li>)}</ul>
    </section>
  );
}
