import { render } from '@react-email/render';
import { Text } from '@react-email/components';
import { z } from 'zod';

import { languageSchema } from '../domain/scenario.js';
import type { InvoiceReference, ReminderTone } from '../i18n/emails.js';
import { REMINDER_TONES, emailMessages } from '../i18n/emails.js';
import { EmailLayout, emailCreditorSchema, styles } from './layout.js';
import { actionsText, footerText, joinParagraphs, penaltiesText, statementText } from './plain-text.js';
import type { RenderedEmail } from './rendered-email.js';
import { parseDocumentProps } from './rendered-email.js';
import {
  calendarDateSchema,
  checkInvoiceLines,
  checkPenaltyLines,
  customerSchema,
  invoiceLineSchema,
  penaltyLineSchema,
  portalUrlSchema,
  singleLine,
} from './schema.js';
import type { Statement } from './statement.js';
import { buildStatement } from './statement.js';
import { InvoiceTable, PenaltyBlock, PortalActions } from './statement-blocks.js';

// The dunning e-mail: one per customer and step, listing every invoice concerned with
// its own balance. It never carries an attachment: documents live in the portal.
// NOTE: each invoice adds about 0.6 KB of HTML (measured on 50 and 70 EUR invoices), so a
// reminder over about 65 invoices passes 50 KB, and Gmail clips HTML over about 102 KB.

export const reminderToneSchema = z.enum(REMINDER_TONES);

export const reminderEmailPropsSchema = z
  .object({
    language: languageSchema,
    tone: reminderToneSchema,
    recipientName: singleLine(200).optional(),
    customer: customerSchema,
    creditor: emailCreditorSchema,
    invoices: z.array(invoiceLineSchema),
    /** Statement date: days overdue are counted up to this date. */
    asOfDate: calendarDateSchema,
    /** The customer's portal page, already signed; the pay, promise and dispute pages hang below it. */
    portalUrl: portalUrlSchema,
    penalties: z.array(penaltyLineSchema).optional(),
  })
  .superRefine((props, context) => {
    checkInvoiceLines(props.invoices, context);
    checkPenaltyLines(props.penalties, props.invoices, props.customer, context);
  });
export type ReminderEmailProps = z.input<typeof reminderEmailPropsSchema>;
type ParsedReminderEmailProps = z.output<typeof reminderEmailPropsSchema>;

/**
 * Returns true if the e-mail states the legal late-payment terms: to business customers
 * from the firm tone on, or whenever penalties are claimed (Code de commerce L441-10, D441-5).
 */
function showsLegalNotice(props: ParsedReminderEmailProps): boolean {
  if (!props.customer.isBusiness) {
    return false;
  }
  const claimsPenalties = (props.penalties ?? []).length > 0;
  return claimsPenalties || props.tone === 'firm' || props.tone === 'final';
}

function invoiceReference(props: ParsedReminderEmailProps): InvoiceReference {
  const [first] = props.invoices;
  return props.invoices.length === 1 && first ? { count: 1, number: first.number } : { count: props.invoices.length };
}

interface ReminderEmailViewProps {
  props: ParsedReminderEmailProps;
  statement: Statement;
}

export function ReminderEmail({ props, statement }: ReminderEmailViewProps) {
  const messages = emailMessages(props.language);
  const tone = messages.reminders[props.tone];
  const count = props.invoices.length;

  return (
    <EmailLayout
      language={props.language}
      preview={tone.preview(count)}
      heading={tone.heading(count)}
      creditor={props.creditor}
      messages={messages}
    >
      <Text style={styles.text}>{messages.greeting(props.recipientName)}</Text>
      <Text style={styles.text}>{tone.intro(count)}</Text>
      <InvoiceTable statement={statement} messages={messages} />
      {showsLegalNotice(props) ? <Text style={styles.notice}>{messages.penalties.legalNotice}</Text> : null}
      <PenaltyBlock statement={statement} messages={messages} />
      <PortalActions portalUrl={props.portalUrl} messages={messages} />
      <Text style={styles.text}>{tone.closing}</Text>
      <Text style={styles.text}>
        {messages.signOff}
        <br />
        {props.creditor.name}
      </Text>
    </EmailLayout>
  );
}

function reminderText(props: ParsedReminderEmailProps, statement: Statement): string {
  const messages = emailMessages(props.language);
  const tone = messages.reminders[props.tone];
  const count = props.invoices.length;

  return joinParagraphs([
    messages.greeting(props.recipientName),
    tone.intro(count),
    statementText(statement, messages),
    showsLegalNotice(props) ? messages.penalties.legalNotice : '',
    penaltiesText(statement, messages),
    actionsText(props.portalUrl, messages),
    tone.closing,
    `${messages.signOff}\n${props.creditor.name}`,
    footerText(props.creditor, messages),
  ]);
}

/** Renders a reminder in its tone and language; rejects props without a positive balance on every invoice. */
export async function renderReminderEmail(input: ReminderEmailProps): Promise<RenderedEmail> {
  const props = parseDocumentProps(reminderEmailPropsSchema, input, 'reminder e-mail');
  const statement = buildStatement(props.invoices, props.asOfDate, props.language, props.penalties);
  const messages = emailMessages(props.language);

  return {
    subject: messages.reminders[props.tone].subject(invoiceReference(props)),
    html: await render(<ReminderEmail props={props} statement={statement} />),
    text: reminderText(props, statement),
  };
}

export type { ReminderTone };
