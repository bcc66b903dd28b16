import { createHmac, timingSafeEqual } from 'node:crypto';

// Verification of the Svix signatures that Resend puts on its webhooks
// (docs.svix.com/receiving/verifying-payloads/how-manual): HMAC-SHA256 over
// "<svix-id>.<svix-timestamp>.<raw body>", keyed with the base64 part of the "whsec_"
// secret, sent base64-encoded as "v1,<signature>" in a space-separated list.

/** How far svix-timestamp may be from the server's clock, in seconds; Svix's own libraries use 5 minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export interface SvixHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** Computes the "v1,<base64>" signature of a payload, as Svix sends it. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** Checks the svix headers of a delivery against its raw body; `now` is in milliseconds. */
export function verifyWebhook(secret: string, headers: SvixHeaders, body: string, now: number = Date.now()): SignatureCheck {
  if (!headers.id || !headers.timestamp || !headers.signature) {
    return { valid: false, reason: 'missing svix-id, svix-timestamp or svix-signature header' };
  }

  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp)) return { valid: false, reason: `invalid svix-timestamp "${headers.timestamp}": expected Unix seconds` };
  if (Math.abs(now / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { valid: false, reason: `svix-timestamp ${timestamp} is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from the server clock` };
  }

  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  const matches = headers.signature
    .split(' ')
    .map((candidate) => Buffer.from(candidate.trim()))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  return matches ? { valid: true } : { valid: false, reason: 'no v1 signature matches the body' };
}
