import { Text } from '@react-email/components';
import { render } from '@react-email/render';
import { z } from 'zod';

import { languageSchema } from '../domain/scenario.js';
import { emailMessages } from '../i18n/emails.js';
import { formatDate, formatMoney } from './format.js';
import { EmailLayout, emailCreditorSchema, styles } from './layout.js';
import { actionsText, footerText, joinParagraphs, statementText } from './plain-text.js';
import type { RenderedEmail } from './rendered-email.js';
import { parseDocumentProps } from './rendered-email.js';
import {
  calendarDateSchema,
  checkInvoiceLines,
  currencySchema,
  customerSchema,
  invoiceLineSchema,
  portalUrlSchema,
  singleLine,
} from './schema.js';
import type { Statement } from './statement.js';
import { buildStatement } from './statement.js';
import { InvoiceTable, PortalActions } from './statement-blocks.js';

// Confirms to the customer the promise to pay they made: the date, the amount and the
// invoices it covers. Reminders on those invoices pause until the promised date.

export const promiseConfirmationEmailPropsSchema = z
  .object({
    language: languageSchema,
    recipientName: singleLine(200).optional(),
    customer: customerSchema,
    creditor: emailCreditorSchema,
    promise: z.object({
      /** Date by which the customer promised to pay. */
      date: calendarDateSchema,
      currency: currencySchema,
      amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    }),
    invoices: z.array(invoiceLineSchema),
    /** Date the promise was recorded: days overdue are counted up to this date. */
    asOfDate: calendarDateSchema,
    portalUrl: portalUrlSchema,
  })
  .superRefine((props, context) => {
    checkInvoiceLines(props.invoices, context);

    if (props.promise.date < props.asOfDate) {
      context.addIssue({
        code: 'custom',
        message: `promised date ${props.promise.date} is before the recording date ${props.asOfDate}: a promise to pay is for today or later`,
        path: ['promise', 'date'],
      });
    }
    if (!props.invoices.some((invoice) => invoice.currency === props.promise.currency)) {
      context.addIssue({
        code: 'custom',
        message: `the promise is in ${props.promise.currency}, but no listed invoice is: promise in an invoice currency`,
        path: ['promise', 'currency'],
      });
    }
  });
export type PromiseConfirmationEmailProps = z.input<typeof promiseConfirmationEmailPropsSchema>;
type ParsedProps = z.output<typeof promiseConfirmationEmailPropsSchema>;

function promisedTerms(props: ParsedProps) {
  return {
    date: formatDate(props.promise.date, props.language),
    amount: formatMoney(props.promise.amountMinor, props.promise.currency, props.language),
  };
}

export function PromiseConfirmationEmail({ props, statement }: { props: ParsedProps; statement: Statement }) {
  const messages = emailMessages(props.language);
  const labels = messages.promiseConfirmation;
  const { date, amount } = promisedTerms(props);

  return (
    <EmailLayout
      language={props.language}
      preview={labels.preview(date)}
      heading={labels.heading}
      creditor={props.creditor}
      messages={messages}
    >
      <Text style={styles.text}>{messages.greeting(props.recipientName)}</Text>
      <Text style={{ ...styles.text, fontWeight: 600 }}>{labels.intro(date, amount)}</Text>
      <Text style={styles.text}>{labels.invoicesIntro(props.invoices.length)}</Text>
      <InvoiceTable statement={statement} messages={messages} />
      <Text style={styles.text}>{labels.pause}</Text>
      <Text style={styles.text}>{labels.change}</Text>
      <PortalActions portalUrl={props.portalUrl} messages={messages} />
      <Text style={styles.text}>
        {messages.signOff}
        <br />
        {props.creditor.name}
      </Text>
    </EmailLayout>
  );
}

/** Renders the confirmation of a customer's promise to pay, in their language. */
export async function renderPromiseConfirmationEmail(input: PromiseConfirmationEmailProps): Promise<RenderedEmail> {
  const props = parseDocumentProps(promiseConfirmationEmailPropsSchema, input, 'promise-to-pay confirmation e-mail');
  const statement = buildStatement(props.invoices, props.asOfDate, props.language);
  const messages = emailMessages(props.language);
  const labels = messages.promiseConfirmation;
  const { date, amount } = promisedTerms(props);

  const text = joinParagraphs([
    messages.greeting(props.recipientName),
    labels.intro(date, amount),
    `${labels.invoicesIntro(props.invoices.length)}\n${statementText(statement, messages)}`,
    labels.pause,
    labels.change,
    actionsText(props.portalUrl, messages),
    `${messages.signOff}\n${props.creditor.name}`,
    footerText(props.creditor, messages),
  ]);

  return {
    subject: labels.subject(date, amount),
    html: await render(<PromiseConfirmationEmail props={props} statement={statement} />),
    text,
  };
}
