// E-mail weight benchmark: bytes of the reminder e-mail in each tone and language (HTML
// and text parts, as activities/reminder-delivery.ts counts them), against the same
// reminder carrying the invoice PDF as a base64 MIME attachment, and the gCO2e of each.
// Needs no server. Run: npx tsx bench/email-weight.ts
import { renderReminderEmail, reminderToneSchema } from '../emails/reminder.js';
import { invoiceCopyPdf } from '../web/portal/invoice-pdf.js';
import { printFigures } from './support/machine.js';

// Carbon factors of db/migrations/0002_cases.sql, applied as activities/carbon.ts does for
// one recipient: 4 g per e-mail (ADEME) plus 15 g per MB (ADEME / BIO Intelligence Service).
const EMAIL_BASE_G = 4;
const EMAIL_PER_MB_G = 15;

const gramsOf = (bytes: number): number => EMAIL_BASE_G + (bytes / 1_000_000) * EMAIL_PER_MB_G;

/** Bytes a base64 body takes in MIME: 4 characters per 3 bytes, in lines of 76 plus CRLF. */
function base64MimeBytes(bytes: number): number {
  const encoded = 4 * Math.ceil(bytes / 3);
  return encoded + 2 * Math.ceil(encoded / 76);
}

const invoice = { number: 'F-2026-0101', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', originalMinor: 125_000, paidMinor: 25_000, dueMinor: 100_000 };
const creditor = { name: 'Relance Demo SAS', siren: '552100554', address: '1 rue de la Paix, 75002 Paris, France', senderEmail: 'relances@relance.invalid' };

const rows: Array<[string, string]> = [];
for (const language of ['fr', 'en'] as const) {
  const pdf = await invoiceCopyPdf({
    invoice: { number: invoice.number, issueDate: invoice.issueDate, dueDate: invoice.dueDate, currency: 'EUR', source: {} },
    balance: { invoiceId: 'bench', currency: 'EUR', originalMinor: 125_000, paidMinor: 25_000, creditedMinor: 0, writtenOffMinor: 0, unallocatedMinor: 0, dueMinor: 100_000, mainSettlement: 'none' },
    customer: { name: 'Boulangerie Martin SARL' },
    company: { name: creditor.name, siren: creditor.siren, address: creditor.address },
    language,
    dataDir: '.',
  });
  const attachment = base64MimeBytes(pdf.length);

  for (const tone of reminderToneSchema.options) {
    const email = await renderReminderEmail({
      language,
      tone,
      recipientName: 'Marie Dupont',
      customer: { name: 'Boulangerie Martin SARL', isBusiness: true },
      creditor,
      invoices: [invoice],
      asOfDate: '2026-11-15',
      portalUrl: 'https://portal.relance.invalid/c/0f3a9c.1.1767225600.b41d7e',
    });
    const bytes = Buffer.byteLength(email.html) + Buffer.byteLength(email.text);
    const withPdf = bytes + attachment;
    rows.push([
      `${language} ${tone}`,
      `${(bytes / 1000).toFixed(1)} kB, ${gramsOf(bytes).toFixed(3)} gCO2e; with PDF ${(withPdf / 1000).toFixed(1)} kB, ${gramsOf(withPdf).toFixed(3)} gCO2e; ratio bytes ${(withPdf / bytes).toFixed(1)} x, gCO2e ${(gramsOf(withPdf) / gramsOf(bytes)).toFixed(3)} x`,
    ]);
  }
  rows.push([`${language} PDF`, `${(pdf.length / 1000).toFixed(1)} kB raw, ${(attachment / 1000).toFixed(1)} kB as base64 MIME`]);
}

printFigures('reminder e-mail weight, one invoice, reference = the same reminder with the invoice PDF attached', rows);
