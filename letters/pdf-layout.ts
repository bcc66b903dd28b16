import PDFDocument from 'pdfkit';

import type { Statement } from '../emails/statement.js';
import type { LetterMessages } from '../i18n/letters.js';
import type { RenderedLetter } from './schema.js';

// Page layout shared by the letters, drawn with pdfkit on A4 in the standard Helvetica
// fonts, which PDF readers provide, so no font is embedded or fetched.

const MARGIN = 56;
const TOP_MARGIN = 42;
const FOOTER_HEIGHT = 16;
const FOOTER_BASELINE_FROM_BOTTOM = 40;
const BODY_FONT_SIZE = 9.5;
const TABLE_FONT_SIZE = 9;

// Top left corner of the recipient block, about 110 mm from the left edge and 50 mm
// from the top, so the address shows through the window of a DL envelope. These are
// usual window positions, not a measured envelope.
const RECIPIENT_X = 312;
const RECIPIENT_Y = 140;

export type LetterPdf = PDFKit.PDFDocument;

interface LetterInfo {
  title: string;
  author: string;
  subject: string;
  /** The letter date: the PDF creation date, so the same props give the same bytes. */
  letterDate: string;
  language: string;
}

/**
 * Replaces characters that the standard fonts' WinAnsi encoding lacks. Intl writes
 * French thousands with a narrow no-break space (U+202F), shown here as a no-break space.
 */
export function pdfText(text: string): string {
  return text.replace(/\u202f/g, '\u00a0');
}

/** Opens an A4 letter whose bytes depend only on its content and `letterDate`. */
export function openLetter(info: LetterInfo): { doc: LetterPdf; bytes: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: TOP_MARGIN, left: MARGIN, right: MARGIN, bottom: FOOTER_BASELINE_FROM_BOTTOM + FOOTER_HEIGHT + 12 },
    bufferPages: true,
    lang: info.language,
    info: {
      Title: pdfText(info.title),
      Author: pdfText(info.author),
      Subject: pdfText(info.subject),
      Creator: 'Relance',
      Producer: 'Relance (pdfkit)',
      CreationDate: new Date(`${info.letterDate}T00:00:00Z`),
    },
  });

  const bytes = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica').fontSize(BODY_FONT_SIZE);
  return { doc, bytes };
}

function contentWidth(doc: LetterPdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function pageBottom(doc: LetterPdf): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page unless `height` points still fit above the footer. */
export function keepTogether(doc: LetterPdf, height: number): void {
  if (doc.y + height > pageBottom(doc)) {
    doc.addPage();
  }
}

/** Draws the sender block at the top left and the recipient block in the envelope window. */
export function writeAddressBlocks(doc: LetterPdf, sender: string[], recipient: string[]): void {
  const top = doc.page.margins.top;

  doc.font('Helvetica-Bold').fontSize(BODY_FONT_SIZE).text(pdfText(sender[0] ?? ''), MARGIN, top, { width: 240 });
  doc.font('Helvetica').fontSize(9);
  for (const line of sender.slice(1)) {
    doc.text(pdfText(line), { width: 240 });
  }
  const senderBottom = doc.y;

  doc.font('Helvetica-Bold').fontSize(BODY_FONT_SIZE).text(pdfText(recipient[0] ?? ''), RECIPIENT_X, RECIPIENT_Y, { width: 227 });
  doc.font('Helvetica');
  for (const line of recipient.slice(1)) {
    doc.text(pdfText(line), { width: 227 });
  }

  doc.x = MARGIN;
  doc.y = Math.max(senderBottom, doc.y) + 20;
}

/** Writes a line aligned on the right margin, such as the place and date. */
export function writeRightAligned(doc: LetterPdf, text: string): void {
  doc.font('Helvetica').fontSize(BODY_FONT_SIZE).text(pdfText(text), MARGIN, doc.y, { width: contentWidth(doc), align: 'right' });
  doc.moveDown(1);
}

/** Writes a paragraph, justified, followed by a blank line. */
export function writeParagraph(doc: LetterPdf, text: string, options: { bold?: boolean } = {}): void {
  if (text === '') {
    return;
  }
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY_FONT_SIZE);
  doc.text(pdfText(text), MARGIN, doc.y, { width: contentWidth(doc), align: 'justify', lineGap: 1 });
  doc.moveDown(0.6);
}

/** Writes lines one under the other, such as bank details, with no gap between them. */
export function writeLines(doc: LetterPdf, lines: string[]): void {
  doc.font('Helvetica').fontSize(BODY_FONT_SIZE);
  for (const line of lines) {
    doc.text(pdfText(line), MARGIN, doc.y, { width: contentWidth(doc) });
  }
  doc.moveDown(0.6);
}

// Column widths in points; they add up to the A4 content width (595 - 2 x 56).
const COLUMNS = [
  { key: 'number', width: 103, align: 'left' },
  { key: 'issueDate', width: 70, align: 'left' },
  { key: 'dueDate', width: 70, align: 'left' },
  { key: 'original', width: 80, align: 'right' },
  { key: 'paid', width: 80, align: 'right' },
  { key: 'balance', width: 80, align: 'right' },
] as const;

/** Draws one table row; when the row starts a new page, `header` is drawn again above it. */
function writeRow(doc: LetterPdf, cells: string[], bold: boolean, header?: string[]): void {
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(TABLE_FONT_SIZE);
  const heights = COLUMNS.map((column, index) => doc.heightOfString(pdfText(cells[index] ?? ''), { width: column.width - 6 }));
  const rowHeight = Math.max(...heights) + 6;
  if (doc.y + rowHeight > pageBottom(doc)) {
    doc.addPage();
    if (header) {
      writeRow(doc, header, true);
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(TABLE_FONT_SIZE);
    }
  }

  const top = doc.y;
  let x = MARGIN;
  COLUMNS.forEach((column, index) => {
    doc.text(pdfText(cells[index] ?? ''), x + 3, top + 3, { width: column.width - 6, align: column.align });
    x += column.width;
  });
  doc
    .moveTo(MARGIN, top + rowHeight)
    .lineTo(MARGIN + contentWidth(doc), top + rowHeight)
    .lineWidth(0.5)
    .strokeColor('#999999')
    .stroke();
  doc.x = MARGIN;
  doc.y = top + rowHeight;
}

/** Draws the invoices, one row each with its own balance, then the total due per currency. */
export function writeInvoiceTable(doc: LetterPdf, statement: Statement, messages: LetterMessages): void {
  const labels = messages.table;
  const header = [labels.invoice, labels.issueDate, labels.dueDate, labels.original, labels.paid, labels.balance];
  keepTogether(doc, 40);
  writeRow(doc, header, true);
  for (const line of statement.lines) {
    writeRow(doc, [line.number, line.issueDate, line.dueDate, line.original, line.paid, line.balance], false, header);
  }

  doc.moveDown(0.4);
  for (const total of statement.totals) {
    keepTogether(doc, 16);
    const top = doc.y;
    const labelWidth = contentWidth(doc) - 80;
    doc.font('Helvetica-Bold').fontSize(BODY_FONT_SIZE);
    doc.text(pdfText(labels.totalDue(total.currency)), MARGIN, top, { width: labelWidth - 3, align: 'right' });
    doc.text(pdfText(total.due), MARGIN + labelWidth, top, { width: 77, align: 'right' });
    doc.x = MARGIN;
  }
  doc.moveDown(1);
}

/**
 * Writes the closing formula, then the signature block on the right with `leftLines`
 * (such as the enclosures) beside it on the left, all kept together on one page.
 */
export function writeSignature(
  doc: LetterPdf,
  messages: LetterMessages,
  creditorName: string,
  signatory: { name: string; title?: string | undefined },
  leftLines: string[] = [],
): void {
  const x = RECIPIENT_X;
  const width = doc.page.width - doc.page.margins.right - x;
  const leftWidth = x - MARGIN - 16;

  doc.font('Helvetica').fontSize(BODY_FONT_SIZE);
  const closingHeight = doc.heightOfString(pdfText(messages.closing), { width: contentWidth(doc), lineGap: 1 }) + doc.currentLineHeight() * 0.6;
  const signatureHeight = doc.currentLineHeight(true) * 6;
  doc.fontSize(9);
  const leftHeight = leftLines.reduce((height, line) => height + doc.heightOfString(pdfText(line), { width: leftWidth }), 0);
  keepTogether(doc, closingHeight + Math.max(signatureHeight, leftHeight));

  writeParagraph(doc, messages.closing);
  const top = doc.y;

  doc.font('Helvetica').fontSize(BODY_FONT_SIZE).text(pdfText(messages.signatureFor(creditorName)), x, top, { width });
  doc.moveDown(2.5);
  doc.font('Helvetica-Bold').text(pdfText(signatory.name), x, doc.y, { width });
  if (signatory.title) {
    doc.font('Helvetica').text(pdfText(signatory.title), x, doc.y, { width });
  }
  const signatureBottom = doc.y;

  doc.font('Helvetica').fontSize(9).text('', MARGIN, top);
  for (const line of leftLines) {
    doc.text(pdfText(line), MARGIN, doc.y, { width: leftWidth });
  }

  doc.x = MARGIN;
  doc.y = Math.max(signatureBottom, doc.y);
  doc.moveDown(1);
}

/** Writes the creditor's identity and "Page n/N" at the foot of every page. */
export function writePageFooters(doc: LetterPdf, footer: string, messages: LetterMessages): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);

    // The footer sits inside the bottom margin; lifting the margin stops pdfkit from
    // starting a new page for text written there.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - FOOTER_BASELINE_FROM_BOTTOM;
    doc.font('Helvetica').fontSize(8).fillColor('#555555');
    doc.text(pdfText(footer), MARGIN, y, { width: contentWidth(doc) - 60, lineBreak: false });
    doc.text(pdfText(messages.page(index + 1, range.count)), MARGIN, y, { width: contentWidth(doc), align: 'right', lineBreak: false });
    doc.fillColor('#000000');
    doc.page.margins.bottom = bottomMargin;
  }
}

/** Ends the document and returns its bytes with its page count. */
export async function finishLetter(doc: LetterPdf, bytes: Promise<Buffer>): Promise<RenderedLetter> {
  const pages = doc.bufferedPageRange().count;
  doc.end();
  return { pdf: await bytes, pages };
}
