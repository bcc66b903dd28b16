import { z } from 'zod';

import { languageSchema } from '../domain/scenario.js';
import { CALL_OUTCOMES, callMessages } from '../i18n/calls.js';
import { localeFor } from './format.js';
import { parseDocumentProps } from './rendered-email.js';
import { calendarDateSchema, checkInvoiceLines, customerSchema, invoiceLineSchema, singleLine } from './schema.js';
import { buildStatement } from './statement.js';

// The script a collector reads when calling a customer about overdue invoices, in the
// customer's language, ending with the outcome codes to record.

export const callOutcomeSchema = z.enum(CALL_OUTCOMES);

export const callScriptPropsSchema = z
  .object({
    /** Language of the customer's contact, which the call is held in. */
    language: languageSchema,
    collectorName: singleLine(200).optional(),
    contactName: singleLine(200).optional(),
    customer: customerSchema,
    creditor: z.object({ name: singleLine(200) }),
    invoices: z.array(invoiceLineSchema),
    /** Date of the call: days overdue are counted up to this date. */
    asOfDate: calendarDateSchema,
  })
  .superRefine((props, context) => {
    checkInvoiceLines(props.invoices, context);
  });
export type CallScriptProps = z.input<typeof callScriptPropsSchema>;

/** Renders the call script as plain text in the customer's language. */
export function renderCallScript(input: CallScriptProps): string {
  const props = parseDocumentProps(callScriptPropsSchema, input, 'call script');
  const messages = callMessages(props.language);
  const statement = buildStatement(props.invoices, props.asOfDate, props.language);

  // Totals in several currencies are listed ("100,00 € et 50,00 $US"), never added together.
  const totals = new Intl.ListFormat(localeFor(props.language), { type: 'conjunction' }).format(statement.totals.map((total) => total.due));

  const invoiceLines = statement.lines.map((line) => {
    const overdue = line.daysOverdue > 0 ? messages.overdue(line.daysOverdue) : messages.notYetDue(-line.daysOverdue);
    return messages.invoiceLine(line.number, line.dueDate, overdue, line.balance);
  });
  const totalLines = statement.totals.map((total) => messages.totalLine(total.currency, total.due));

  const outcomeLines = CALL_OUTCOMES.map((outcome) => {
    const { label, record } = messages.outcomes[outcome];
    return `  [ ] ${outcome}: ${label} (${record})`;
  });

  const sections = [
    [messages.title(props.customer.name), messages.languageLine],
    [messages.steps.greeting, messages.greeting(props.collectorName, props.creditor.name, props.contactName)],
    [
      messages.steps.subject,
      messages.subject(props.invoices.length, totals),
      ...invoiceLines,
      ...totalLines,
      ...(props.customer.isBusiness ? [messages.penaltiesReminder] : []),
    ],
    [messages.steps.paymentDate, messages.askPaymentDate, messages.ifDisputed],
    [messages.steps.closing, messages.closing],
    [messages.outcomeHeading, ...outcomeLines, messages.notesRule],
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
