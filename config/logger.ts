import pino, { type Logger } from 'pino';

/** Creates the process logger. Paths that could hold a secret or a personal detail are redacted. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.email', '*.to', '*.token', '*.apiKey', '*.password', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
