// The API's error registry. Every error has a stable code, an HTTP status and a message
// that names the value and the fix; responses are RFC 9457 problem details.

export const ERROR_CODES = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  case_ended: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  dependency_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: { errors?: ProblemDetails['errors']; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code];
  }

  toProblem(instance?: string): ProblemDetails {
    return {
      type: `https://relance.dev/problems/${this.code.replaceAll('_', '-')}`,
      title: this.code.replaceAll('_', ' '),
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} ${id} not found: check the id, or list ${what}s to find it`);
