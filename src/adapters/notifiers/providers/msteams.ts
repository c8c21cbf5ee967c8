import { chatText, type OutgoingMessage, type Provider } from './message.ts';

const COLOR: Record<string, string> = { critical: 'attention', high: 'attention', medium: 'warning', low: 'accent' };

function facts(m: OutgoingMessage): { title: string; value: string }[] {
  const a = m.alert;
  if (a === null) return [];
  const out = [
    { title: 'KPI', value: a.indicator ?? a.kpiId ?? '' }, { title: 'Key', value: a.key ?? '' }, { title: 'Severity', value: a.severity ?? '' },
    { title: 'Value', value: a.value === null || a.value === undefined ? '' : String(a.value) },
    { title: 'Baseline', value: a.baseline === null || a.baseline === undefined ? '' : String(a.baseline) },
  ];
  return out.filter((f) => f.value !== '');
}

/**
 * Microsoft Teams through a Workflows webhook ("Send webhook alerts to a channel"): a message whose one
 * attachment is an Adaptive Card (schema adaptive-card.json, version 1.4). The retired Office 365
 * connectors took MessageCards; Workflows take this.
 */
export const msteams: Provider = (t, m) => {
  const color = m.purpose === 'resolved' ? 'good' : (COLOR[m.alert?.severity ?? ''] ?? 'default');
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4',
    body: [
      { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true, color },
      { type: 'TextBlock', text: chatText({ ...m, subject: '', alert: null }, 20_000).trim(), wrap: true },
      ...(facts(m).length > 0 ? [{ type: 'FactSet', facts: facts(m) }] : []),
    ],
    ...(m.alert?.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the alert', url: m.alert.link }] } : {}),
  };
  return [{ url: t.settings.url!, headers: {}, body: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] } }];
};
