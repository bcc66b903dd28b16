import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

import type { FormalNoticeProps } from '../../../letters/formal-notice.js';

export const PDFTOTEXT = '/usr/bin/pdftotext';
export const PDFTOPPM = '/usr/bin/pdftoppm';

export function formalNoticeProps(overrides: Partial<FormalNoticeProps> = {}): FormalNoticeProps {
  return {
    language: 'fr',
    creditor: {
      name: 'Acme Industrie SAS',
      siren: '552 100 554',
      vatNumber: 'FR40552100554',
      addressLines: ['12 rue de la Paix', '75002 Paris', 'France'],
      email: 'compta@acme.example',
    },
    debtor: { name: 'Boulangerie Martin SARL', isBusiness: true, siren: '732829320', addressLines: ['4 place du Marché', '69002 Lyon'] },
    place: 'Paris',
    letterDate: '2026-11-20',
    paymentDeadline: '2026-11-28',
    invoices: [
      { number: 'F-2026-0101', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'EUR', originalMinor: 10_000, paidMinor: 0, dueMinor: 10_000 },
      { number: 'F-2026-0102', issueDate: '2026-09-15', dueDate: '2026-10-15', currency: 'EUR', originalMinor: 25_050, paidMinor: 0, dueMinor: 25_050 },
      { number: 'F-2026-0103', issueDate: '2026-10-01', dueDate: '2026-10-31', currency: 'EUR', originalMinor: 100_000, paidMinor: 40_000, dueMinor: 60_000 },
    ],
    penalties: [
      { invoiceNumber: 'F-2026-0101', currency: 'EUR', penaltyMinor: 166, indemnityMinor: 4_000 },
      { invoiceNumber: 'F-2026-0102', currency: 'EUR', penaltyMinor: 300, indemnityMinor: 4_000 },
      { invoiceNumber: 'F-2026-0103', currency: 'EUR', penaltyMinor: 400, indemnityMinor: 4_000 },
    ],
    penaltyRatePercent: 12.15,
    paymentInstructions: ['IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP'],
    portalUrl: 'https://portal.relance.test/c/0f3a9c?sig=b41d7e',
    signatory: { name: 'Claire Dubois', title: 'Responsable recouvrement' },
    enclosures: ['Copie des factures F-2026-0101, F-2026-0102 et F-2026-0103'],
    ...overrides,
  };
}

// Windows-1252 differs from Latin-1 in 0x80-0x9F; Node's TextDecoder('windows-1252')
// decodes that range as Latin-1, so the letters' characters there are mapped here.
const WIN_ANSI_EXTRAS: Record<number, string> = { 0x80: '€', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x85: '…', 0x9c: 'œ', 0x8c: 'Œ' };

function decodeWinAnsi(hex: string): string {
  return [...Buffer.from(hex, 'hex')].map((byte) => WIN_ANSI_EXTRAS[byte] ?? String.fromCharCode(byte)).join('');
}

// In a TJ array, pdfkit writes the gap between words of a justified line as a large
// negative offset (thousandths of an em) instead of a space character.
const WORD_GAP = -100;

/**
 * Reads the text of a pdfkit PDF without poppler: inflates each content stream and
 * decodes the hex strings of its TJ operators, which pdfkit writes in WinAnsi.
 */
export function parsePdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const fragments: string[] = [];

  for (const stream of source.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    for (const operator of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const parts = [...(operator[1] ?? '').matchAll(/<([0-9a-fA-F]*)>|(-?\d+(?:\.\d+)?)/g)];
      fragments.push(parts.map((part) => (part[1] !== undefined ? decodeWinAnsi(part[1]) : Number(part[2]) < WORD_GAP ? ' ' : '')).join(''));
    }
  }
  return fragments.join('\n');
}

/** Returns the text of a PDF, with pdftotext where installed, else with parsePdfText. */
export function pdfText(pdf: Buffer): string {
  if (!existsSync(PDFTOTEXT)) {
    return parsePdfText(pdf);
  }
  // -layout keeps each table row, and each total with its label, on one line.
  return execFileSync(PDFTOTEXT, ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
}

/** Collapses whitespace, no-break spaces included, and rejoins words split after a hyphen at a line end. */
export function flatText(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ').replace(/(\d)- (\d)/g, '$1-$2');
}

/** Counts the page objects of a PDF, independently of the count the renderer returns. */
export function countPageObjects(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
}
