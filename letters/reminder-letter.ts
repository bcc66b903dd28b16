import { formatDate } from '../emails/format.js';
import { parseDocumentProps } from '../emails/rendered-email.js';
import { buildStatement, portalActionUrl } from '../emails/statement.js';
import { letterMessages } from '../i18n/letters.js';
import { creditorLines, debtorLines, footerLine, penaltyFigures, totalsPhrase } from './letter-text.js';
import {
  finishLetter,
  openLetter,
  writeAddressBlocks,
  writeInvoiceTable,
  writeLines,
  writePageFooters,
  writeParagraph,
  writeRightAligned,
  writeSignature,
} from './pdf-layout.js';
import type { ReminderLetterProps, RenderedLetter } from './schema.js';
import { reminderLetterPropsSchema } from './schema.js';

// A reminder sent by ordinary post, for customers without a usable e-mail address. It
// has no legal effect of its own: the formal notice is a separate, registered letter.

export { reminderLetterPropsSchema };
export type { ReminderLetterProps };

/** Renders a plain reminder letter as a PDF; the same props always give the same bytes. */
export async function renderReminderLetterPdf(input: ReminderLetterProps): Promise<RenderedLetter> {
  const props = parseDocumentProps(reminderLetterPropsSchema, input, 'reminder letter');
  const messages = letterMessages(props.language);
  const labels = messages.reminderLetter;
  const statement = buildStatement(props.invoices, props.letterDate, props.language, props.penalties);
  const totals = totalsPhrase(statement, messages);
  const object = labels.object(props.invoices.length, props.invoices[0]?.number ?? '');

  const { doc, bytes } = openLetter({
    title: `${labels.documentTitle} – ${props.debtor.name}`,
    author: props.creditor.name,
    subject: object,
    letterDate: props.letterDate,
    language: props.language,
  });

  writeAddressBlocks(doc, creditorLines(props, messages), debtorLines(props, messages));
  writeRightAligned(doc, messages.placeAndDate(props.place, formatDate(props.letterDate, props.language)));
  writeParagraph(doc, `${messages.objectLabel} ${object}`, { bold: true });

  writeParagraph(doc, messages.salutation);
  writeParagraph(doc, labels.intro(props.invoices.length));
  writeInvoiceTable(doc, statement, messages);
  writeParagraph(doc, labels.request(totals));

  if (props.debtor.isBusiness) {
    const figures = penaltyFigures(props, statement, messages);
    writeParagraph(doc, messages.businessPenalties(figures));
    writeParagraph(doc, messages.businessIndemnity(figures));
  }

  if (props.paymentInstructions && props.paymentInstructions.length > 0) {
    writeLines(doc, [messages.paymentInstructions, ...props.paymentInstructions]);
  }
  if (props.portalUrl) {
    writeLines(doc, [messages.payOnline, portalActionUrl(props.portalUrl, 'pay')]);
  }
  writeParagraph(doc, labels.ifPaid);
  writeParagraph(doc, labels.contact);

  writeSignature(doc, messages, props.creditor.name, props.signatory);
  writePageFooters(doc, footerLine(props, messages), messages);
  return finishLetter(doc, bytes);
}
