import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

/** Every environment variable Relance reads; .env.example lists the same names. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().default('127.0.0.1'),
    PORT: port(3000),

    TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port, for example 127.0.0.1:7233').default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('relance-dunning'),
    TEMPORAL_API_KEY: optionalText,
    TEMPORAL_TLS_CERT_PATH: optionalText,
    TEMPORAL_TLS_KEY_PATH: optionalText,
    TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
    /**
     * Cases the worker keeps in memory between their events (about 1.5 MiB each). Unset, the
     * SDK sizes the cache from the heap limit. An evicted case is replayed from its history
     * when it wakes, so a smaller cache trades memory for CPU.
     */
    WORKER_MAX_CACHED_WORKFLOWS: optionalText.pipe(z.coerce.number<string>().int().min(0).optional()),

    DATABASE_URL: optionalText.pipe(
      z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
    ),
    DATA_DIR: z.string().default('.data'),
    /** Largest file POST /v1/imports accepts, in bytes. */
    IMPORT_MAX_BYTES: z.coerce.number<string>().int().min(1024).default(200 * 1024 * 1024),
    EMBEDDED_POSTGRES_PORT: port(5433),

    RESEND_API_KEY: optionalText,
    RESEND_BASE_URL: optionalText.pipe(z.url().optional()),
    RESEND_WEBHOOK_SECRET: optionalText,
    /** Requests per second to the Resend API shared by the worker's sends; Resend's default team limit is 2. */
    RESEND_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1000).default(2),

    PORTAL_BASE_URL: z.url().default('http://127.0.0.1:3000/portal'),
    PORTAL_SECRET: optionalText.pipe(z.string().min(32, 'expected at least 32 characters of random text').optional()),
    PORTAL_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(45),

    COMPANY_NAME: z.string().min(1).default('Relance Demo SAS'),
    COMPANY_SIREN: z.string().regex(/^\d{9}$/, 'expected 9 digits').default('000000000'),
    COMPANY_ADDRESS: z.string().min(1).default('1 rue de la Paix, 75002 Paris, France'),
    COMPANY_SENDER_EMAIL: z.email().default('relances@relance.invalid'),
    COMPANY_LANGUAGE: z.enum(['fr', 'en']).default('fr'),
    COMPANY_IBAN: optionalText,
    COMPANY_BIC: optionalText,
    /** Online payment page per invoice, with {invoiceNumber}, {amount}, {amountMinor} and {currency} placeholders. */
    PAYMENT_LINK_URL_TEMPLATE: optionalText.pipe(
      z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL, for example https://pay.example.com/?ref={invoiceNumber}&amount={amount}').optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if ((env.TEMPORAL_TLS_CERT_PATH === undefined) !== (env.TEMPORAL_TLS_KEY_PATH === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_CERT_PATH'],
        message: 'set both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH for mutual TLS, or neither',
      });
    }
    if (env.NODE_ENV === 'production' && env.PORTAL_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PORTAL_SECRET'], message: 'required in production: 32 or more random characters' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nFix these variables (see .env.example) and start again.`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Parses the environment, throwing one error that lists every invalid variable with what is expected. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = typeof issue.path[0] === 'string' ? source[issue.path[0]] : undefined;
    const shown = value === undefined || /SECRET|KEY|PASSWORD/.test(name) ? '' : ` (got "${value}")`;
    return `${name}: ${issue.message}${shown}`;
  });
  throw new InvalidEnvironmentError(problems);
}

/** Development default for signing portal links when PORTAL_SECRET is unset outside production. */
export const DEVELOPMENT_PORTAL_SECRET = 'relance-development-portal-secret-not-for-production';

export function portalSecretOf(env: Env): string {
  return env.PORTAL_SECRET ?? DEVELOPMENT_PORTAL_SECRET;
}
