import type { RouteDef } from './router.tsx';
import { GridPage } from './pages/grid.tsx';
import { KpiEditorPage } from './pages/kpi-editor.tsx';
import { KpiPage } from './pages/kpi.tsx';
import { AlertPage } from './pages/alert.tsx';
import { AlertsPage } from './pages/alerts.tsx';
import { ApiKeysPage } from './pages/apikeys.tsx';
import { AuditPage } from './pages/audit.tsx';
import { ChannelsPage } from './pages/channels.tsx';
import { ContactsPage } from './pages/contacts.tsx';
import { DataSourcesPage } from './pages/datasources.tsx';
import { EscalationChainsPage } from './pages/escalation-chains.tsx';
import { NotificationsPage } from './pages/notifications.tsx';
import { RoutesPage } from './pages/alert-routes.tsx';
import { SilencesPage } from './pages/silences.tsx';
import { SystemPage } from './pages/system.tsx';
import { TeamsPage } from './pages/teams.tsx';
import { TimelinePage } from './pages/timeline.tsx';
import { UsersPage } from './pages/users.tsx';

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
  { path: '/alerts', title: 'Alerts', component: AlertsPage, inNav: true },
  { path: '/alerts/:id', title: 'Alert', component: AlertPage, inNav: false },
  { path: '/notifications', title: 'Deliveries', component: NotificationsPage, inNav: false },
  { path: '/silences', title: 'Silences', component: SilencesPage, inNav: false },
  { path: '/contacts', title: 'Contacts', component: ContactsPage, inNav: true },
  { path: '/datasources', title: 'Data sources', component: DataSourcesPage, inNav: true },
  { path: '/channels', title: 'Channels', component: ChannelsPage, inNav: true, needs: 'channels:read' },
  { path: '/teams', title: 'Teams', component: TeamsPage, inNav: true, needs: 'routing:read' },
  { path: '/routes', title: 'Routes', component: RoutesPage, inNav: true, needs: 'routing:read' },
  { path: '/escalation-chains', title: 'Escalation chains', component: EscalationChainsPage, inNav: true, needs: 'routing:read' },
  { path: '/apikeys', title: 'API keys', component: ApiKeysPage, inNav: true, needs: 'admin:*' },
  { path: '/users', title: 'Users', component: UsersPage, inNav: true, needs: 'admin:*' },
  { path: '/audit', title: 'Audit trail', component: AuditPage, inNav: true, needs: 'audit:read' },
  { path: '/audit/:type/:id', title: 'History', component: TimelinePage, inNav: false },
  { path: '/system', title: 'System', component: SystemPage, inNav: true },
];
