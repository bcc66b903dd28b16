import type { Sql } from '../../db/client.js';
import { signPortalToken, verifyPortalToken } from './token.js';

// Who a portal link lets in. A link is valid while its signature holds, it has not
// expired and its version equals the customer's portal_link_version; raising that
// version (revocation) turns every older link into a revoked one.

export interface PortalCustomer {
  id: string;
  name: string;
  isBusiness: boolean;
  language: 'fr' | 'en';
  timeZone: string;
  linkVersion: number;
}

export type PortalAccess =
  | { kind: 'granted'; customer: PortalCustomer; expiresAt: Date }
  /** A signed link that is out of date: the page offers a fresh one sent to the contacts on file. */
  | { kind: 'expired' | 'revoked'; customer: PortalCustomer }
  /** Malformed, tampered with, or naming no customer: nothing is offered. */
  | { kind: 'invalid' };

async function readCustomer(sql: Sql, customerId: string): Promise<PortalCustomer | null> {
  const [row] = await sql<{ id: string; name: string; is_business: boolean; language: 'fr' | 'en'; time_zone: string; portal_link_version: number }[]>`
    select id, name, is_business, language, time_zone, portal_link_version from customers where id = ${customerId}`;
  if (!row) return null;
  return { id: row.id, name: row.name, isBusiness: row.is_business, language: row.language, timeZone: row.time_zone, linkVersion: row.portal_link_version };
}

/** Checks a portal token against its signature, its expiry and the customer's current link version. */
export async function checkPortalAccess(sql: Sql, token: string, secrets: string, now: Date): Promise<PortalAccess> {
  const check = verifyPortalToken(token, secrets, now);
  if (!check.valid) {
    if (check.reason !== 'expired' || !check.customerId) return { kind: 'invalid' };
    const customer = await readCustomer(sql, check.customerId);
    return customer ? { kind: 'expired', customer } : { kind: 'invalid' };
  }

  const customer = await readCustomer(sql, check.claims.customerId);
  if (!customer) return { kind: 'invalid' };
  if (check.claims.linkVersion !== customer.linkVersion) {
    // A version above the current one was never issued: only a leaked secret could sign it.
    return check.claims.linkVersion < customer.linkVersion ? { kind: 'revoked', customer } : { kind: 'invalid' };
  }
  return { kind: 'granted', customer, expiresAt: check.claims.expiresAt };
}

export interface IssuedLink {
  url: string;
  expiresAt: Date;
  linkVersion: number;
}

/** Signs a link to the customer's portal at their current link version. */
export function issuePortalLink(
  customer: { id: string; linkVersion: number },
  options: { baseUrl: string; secrets: string; ttlDays: number; now: Date },
): IssuedLink {
  const expiresAt = new Date(options.now.getTime() + options.ttlDays * 86_400_000);
  const token = signPortalToken({ customerId: customer.id, linkVersion: customer.linkVersion, expiresAt }, options.secrets);
  return { url: `${options.baseUrl.replace(/\/+$/, '')}/${token}`, expiresAt, linkVersion: customer.linkVersion };
}

/** Raises the customer's link version so that every link issued before stops working; returns the new version, or null for an unknown customer. */
export async function revokePortalLinks(sql: Sql, customerId: string): Promise<number | null> {
  const [row] = await sql<{ portal_link_version: number }[]>`
    update customers set portal_link_version = portal_link_version + 1, updated_at = now()
    where id = ${customerId} returning portal_link_version`;
  return row?.portal_link_version ?? null;
}

export async function findLinkCustomer(sql: Sql, customerId: string): Promise<PortalCustomer | null> {
  return readCustomer(sql, customerId);
}
