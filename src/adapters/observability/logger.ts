import pino, { type Logger } from 'pino';
import { activeTraceIds } from './tracing.ts';

/** Fields that may carry secrets are censored wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'password', '*.password', 'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
  'sealedPassword', '*.sealedPassword', 'token', '*.token', 'refreshToken', '*.refreshToken', 'apiKey', '*.apiKey',
  'accessToken', '*.accessToken',
  // Channel secrets (issue 18), should a settings object ever reach a log line.
  'routingKey', '*.routingKey', 'botToken', '*.botToken', 'signingSecret', '*.signingSecret', 'sealedSecrets', '*.sealedSecrets',
];

/** An action link's token is a credential in a URL path: request lines are logged without it. */
export const withoutLinkToken = (url: string): string => url.replace(/^\/actions\/[^/?#]*/, '/actions/[redacted]');

interface LoggedRequest { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }

/** Fastify's own request serializer (it keeps a logger's serializers over its own), with the URL cleaned. */
const req = (r: LoggedRequest) => ({ method: r.method, url: withoutLinkToken(r.url ?? ''), host: r.host, remoteAddress: r.ip, remotePort: r.socket?.remotePort });

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  // mixin: every line written inside a span carries trace_id and span_id (none when tracing is off).
  return pino({
    level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'monitoring-grid' }, mixin: activeTraceIds, serializers: { req },
  }, destination);
}
