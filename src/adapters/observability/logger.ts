import pino, { type Logger } from 'pino';

/** Fields that may carry secrets are censored wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'password', '*.password', 'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
  'sealedPassword', '*.sealedPassword', 'token', '*.token', 'refreshToken', '*.refreshToken', 'apiKey', '*.apiKey',
  'accessToken', '*.accessToken',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'monitoring-grid' } }, destination);
}
