import { readFile } from 'node:fs/promises';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { formatMoney, formatShortDate } from '../../emails/format.js';
import type { InvoiceBalance } from '../../domain/case.js';
import { detectMediaType } from './attachments.js';
import type { PortalLanguage } from './messages.js';

// The copy of an invoice offered on the portal: the original PDF (such as a Factur-X
// file) when the import stored one, otherwise a copy generated from the stored data.

export interface InvoiceCopyInput {
  invoice: { number: string; issueDate: string; dueDate: string; currency: string; source: Record<string, unknown> };
  balance: InvoiceBalance;
  customer: { name: string };
  company: { name: string; siren: string; address: string };
  language: PortalLanguage;
  dataDir: string;
}

const LABELS = {
  fr: { title: 'Copie de facture', number: 'Facture n°', issued: 'Date d’émission', due: 'Échéance', customer: 'Client', total: 'Montant TTC', paid: 'Déjà réglé', balance: 'Reste dû', note: 'Copie établie à partir des données enregistrées ; seul l’original fait foi.' },
  en: { title: 'Invoice copy', number: 'Invoice no.', issued: 'Issue date', due: 'Due date', customer: 'Customer', total: 'Amount incl. tax', paid: 'Already paid', balance: 'Balance due', note: 'Copy made from the stored data; only the original is authoritative.' },
} as const;

/**
 * Reads the original PDF when `invoices.source.originalPdfPath` names a file under
 * DATA_DIR that starts like a PDF; null otherwise.
 */
async function readOriginal(source: Record<string, unknown>, dataDir: string): Promise<Buffer | null> {
  const relative = source.originalPdfPath;
  if (typeof relative !== 'string' || relative === '') return null;
  const root = path.resolve(dataDir);
  const absolute = path.resolve(root, relative);
  if (!absolute.startsWith(root + path.sep)) return null;
  const bytes = await readFile(absolute).catch(() => null);
  return bytes && detectMediaType(bytes) === 'application/pdf' ? bytes : null;
}

function generateCopy(input: InvoiceCopyInput): Promise<Buffer> {
  const labels = LABELS[input.language];
  const { invoice, balance, language } = input;
  const money = (minor: number) => formatMoney(minor, invoice.currency, language).replace(/[\u202f\u00a0]/g, ' ');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    lang: language,
    info: { Title: `${labels.title} ${invoice.number}`, Author: input.company.name, Creator: 'Relance', Producer: 'Relance (pdfkit)', CreationDate: new Date(`${invoice.issueDate}T00:00:00Z`) },
  });
  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(14).text(input.company.name);
  doc.font('Helvetica').fontSize(10).text(input.company.address).text(`SIREN ${input.company.siren}`);
  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(18).text(`${labels.title} – ${labels.number} ${invoice.number}`);
  doc.moveDown();

  const rows: [string, string][] = [
    [labels.customer, input.customer.name],
    [labels.issued, formatShortDate(invoice.issueDate, language)],
    [labels.due, formatShortDate(invoice.dueDate, language)],
    [labels.total, money(balance.originalMinor)],
    [labels.paid, money(balance.originalMinor - balance.dueMinor)],
    [labels.balance, money(balance.dueMinor)],
  ];
  doc.fontSize(11);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('Helvetica-Bold').text(label, 56, y, { width: 180 });
    doc.font('Helvetica').text(value, 240, y, { width: 300 });
    doc.moveDown(0.4);
  }
  doc.moveDown(2);
  doc.font('Helvetica-Oblique').fontSize(9).fillColor('#52606d').text(labels.note, 56);
  doc.end();
  return bytes;
}

/** Returns the PDF to serve as the invoice copy. */
export async function invoiceCopyPdf(input: InvoiceCopyInput): Promise<Buffer> {
  return (await readOriginal(input.invoice.source, input.dataDir)) ?? generateCopy(input);
}
