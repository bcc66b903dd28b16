import type { Sql } from '../db/client.js';

export interface Recipient {
  contactId: string;
  email: string;
  name: string | null;
  language: 'fr' | 'en';
}

const ROLE_ORDER = ['invoicing', 'accounts_payable', 'main', 'other'];

/**
 * Picks the contact a reminder goes to: the invoicing contact first, then accounts
 * payable, then the main contact, skipping contacts without an address or whose address
 * bounced or complained. Language follows the contact, then the customer, then the company.
 */
export async function findEmailRecipient(sql: Sql, customerId: string, companyLanguage: 'fr' | 'en'): Promise<Recipient | null> {
  const contacts = await sql<{ id: string; role: string; email: string | null; name: string | null; language: 'fr' | 'en' | null; customer_language: 'fr' | 'en' | null }[]>`
    select ct.id, ct.role, ct.email, ct.name, ct.language, c.language as customer_language
    from contacts ct join customers c on c.id = ct.customer_id
    where ct.customer_id = ${customerId} and ct.email is not null and ct.email <> '' and ct.email_suppressed_at is null`;

  const [best] = [...contacts].sort((left, right) => ROLE_ORDER.indexOf(left.role) - ROLE_ORDER.indexOf(right.role));
  if (!best?.email) return null;
  return { contactId: best.id, email: best.email, name: best.name, language: best.language ?? best.customer_language ?? companyLanguage };
}
