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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  // mixin: every line written inside a span carries trace_id and span_id (none when tracing is off).
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'monitoring-grid' }, mixin: activeTraceIds }, destination);
}
