import type { RouteDef } from './router.tsx';
import { GridPage } from './pages/grid.tsx';
import { KpiEditorPage } from './pages/kpi-editor.tsx';
import { KpiPage } from './pages/kpi.tsx';

/**
 * Every page of the dashboard, in nav order. The router and the nav both read this table: to add a
 * page, add a file under pages/ and one line here (`inNav: false` for detail pages reached by links).
 * The first matching path wins, so put `/kpis/new` before `/kpis/:id`.
 */
export const routes: readonly RouteDef[] = [
  { path: '/', title: 'Grid', component: GridPage, inNav: true },
  { path: '/kpis/new', title: 'New KPI', component: KpiEditorPage, inNav: false },
  { path: '/kpis/:id/edit', title: 'Edit KPI', component: KpiEditorPage, inNav: false },
  { path: '/kpis/:id', title: 'KPI', component: KpiPage, inNav: false },
];
