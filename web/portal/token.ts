import { createHmac, timingSafeEqual } from 'node:crypto';

// Portal links carry a token `<customerId>.<linkVersion>.<expiresAtSeconds>.<signature>`.
// The signature is an HMAC-SHA256 under the first of the configured secrets; any of them
// verifies, so a secret can be rotated by putting the new one first. Raising the
// customer's link version revokes every link issued before.

export interface PortalTokenClaims {
  customerId: string;
  linkVersion: number;
  expiresAt: Date;
}

export type PortalTokenCheck =
  | { valid: true; claims: PortalTokenClaims }
  | { valid: false; reason: 'malformed' | 'bad_signature' | 'expired'; customerId?: string };

function splitSecrets(secrets: string): string[] {
  return secrets.split(',').map((secret) => secret.trim()).filter((secret) => secret.length > 0);
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signPortalToken(claims: PortalTokenClaims, secrets: string): string {
  const [current] = splitSecrets(secrets);
  if (!current) throw new Error('PORTAL_SECRET is empty: set one or more comma-separated secrets');
  const payload = `${claims.customerId}.${claims.linkVersion}.${Math.floor(claims.expiresAt.getTime() / 1000)}`;
  return `${payload}.${sign(payload, current)}`;
}

/** Checks the signature and expiry; the caller still compares linkVersion with the customer's current one. */
export function verifyPortalToken(token: string, secrets: string, now: Date): PortalTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4) return { valid: false, reason: 'malformed' };
  const [customerId, version, expires, signature] = parts as [string, string, string, string];
  if (!/^[0-9a-f-]{36}$/.test(customerId) || !/^\d{1,9}$/.test(version) || !/^\d{1,12}$/.test(expires)) {
    return { valid: false, reason: 'malformed' };
  }

  const payload = `${customerId}.${version}.${expires}`;
  const given = Buffer.from(signature);
  const matches = splitSecrets(secrets).some((secret) => {
    const expected = Buffer.from(sign(payload, secret));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!matches) return { valid: false, reason: 'bad_signature' };

  const expiresAt = new Date(Number(expires) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired', customerId };
  return { valid: true, claims: { customerId, linkVersion: Number(version), expiresAt } };
}
