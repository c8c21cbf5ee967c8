/** Every entity id carries a prefix from this one table, so an id says what it names. */
export const ID_PREFIXES = {
  kpi: 'kpi',
  contact: 'con',
  dataSource: 'dsn',
  event: 'evt',
  request: 'req',
  correlation: 'cor',
  user: 'usr',
  apiKey: 'key',
  session: 'ses',
  execution: 'exe',
  node: 'nod',
  alert: 'alr',
  notification: 'ntf',
  backtest: 'btj',
  silence: 'sil',
  channel: 'chn',
  maintenanceWindow: 'mnt',
  escalationChain: 'esc',
  team: 'team',
  route: 'rte',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
