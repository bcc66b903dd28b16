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
import type { FormalNoticeProps, RenderedLetter } from './schema.js';
import { formalNoticePropsSchema } from './schema.js';

// The formal notice to pay ("mise en demeure", Code civil 1344 and 1344-1), sent by
// registered letter with acknowledgement of receipt. It is the last step before a court
// order to pay ("injonction de payer", Code de procédure civile 1405).

export { formalNoticePropsSchema };
export type { FormalNoticeProps };

/**
 * Renders the formal notice as a PDF in French, or in English for customers abroad.
 * The same props always give the same bytes; `pages` is the number of sheets printed one-sided.
 */
export async function renderFormalNoticePdf(input: FormalNoticeProps): Promise<RenderedLetter> {
  const props = parseDocumentProps(formalNoticePropsSchema, input, 'formal notice');
  const messages = letterMessages(props.language);
  const labels = messages.formalNotice;
  const statement = buildStatement(props.invoices, props.letterDate, props.language, props.penalties);
  const totals = totalsPhrase(statement, messages);
  const figures = penaltyFigures(props, statement, messages);

  const { doc, bytes } = openLetter({
    title: `${labels.documentTitle} – ${props.debtor.name}`,
    author: props.creditor.name,
    subject: labels.object(totals),
    letterDate: props.letterDate,
    language: props.language,
  });

  writeAddressBlocks(doc, creditorLines(props, messages), debtorLines(props, messages));
  writeRightAligned(doc, messages.placeAndDate(props.place, formatDate(props.letterDate, props.language)));
  writeParagraph(doc, labels.registeredMail, { bold: true });
  writeParagraph(doc, `${messages.objectLabel} ${labels.object(totals)}`, { bold: true });
  writeParagraph(doc, labels.governingLaw);

  writeParagraph(doc, messages.salutation);
  writeParagraph(doc, labels.intro(props.invoices.length));
  writeInvoiceTable(doc, statement, messages);

  if (props.debtor.isBusiness) {
    writeParagraph(doc, messages.businessPenalties(figures));
    writeParagraph(doc, messages.businessIndemnity(figures));
  }

  const deadline = formatDate(props.paymentDeadline, props.language);
  writeParagraph(doc, labels.demand(totals, deadline, props.debtor.isBusiness), { bold: true });
  writeParagraph(doc, props.debtor.isBusiness ? labels.legalEffect : `${labels.legalEffect} ${labels.consumerInterest}`);
  writeParagraph(doc, labels.consequences);
  writeParagraph(doc, labels.dispute);

  if (props.paymentInstructions && props.paymentInstructions.length > 0) {
    writeLines(doc, [messages.paymentInstructions, ...props.paymentInstructions]);
  }
  if (props.portalUrl) {
    writeLines(doc, [messages.payOnline, portalActionUrl(props.portalUrl, 'pay')]);
  }

  const enclosures = props.enclosures ?? [];
  const enclosureLines = enclosures.length > 0 ? [labels.enclosures, ...enclosures.map((enclosure) => `- ${enclosure}`)] : [];
  writeSignature(doc, messages, props.creditor.name, props.signatory, enclosureLines);

  writePageFooters(doc, footerLine(props, messages), messages);
  return finishLetter(doc, bytes);
}
