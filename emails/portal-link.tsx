import { Button, Text } from '@react-email/components';
import { render } from '@react-email/render';
import { z } from 'zod';

import { languageSchema } from '../domain/scenario.js';
import { emailMessages } from '../i18n/emails.js';
import { formatInstant } from './format.js';
import { EmailLayout, emailCreditorSchema, styles } from './layout.js';
import { footerText, joinParagraphs } from './plain-text.js';
import type { RenderedEmail } from './rendered-email.js';
import { parseDocumentProps } from './rendered-email.js';
import { customerSchema, portalUrlSchema, singleLine } from './schema.js';

// Sends the customer a fresh link to their portal, for example after the previous one
// expired or was revoked.

const timeZoneSchema = z.string().refine(
  (timeZone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `unknown IANA time zone "${String(issue.input)}", for example Europe/Paris` },
);

export const portalLinkEmailPropsSchema = z.object({
  language: languageSchema,
  recipientName: singleLine(200).optional(),
  customer: customerSchema,
  creditor: emailCreditorSchema,
  portalUrl: portalUrlSchema,
  /** When the signed link stops working: a UTC instant, shown in the customer's time zone. */
  expiresAt: z
    .object({
      instant: z.iso.datetime({ offset: false }),
      timeZone: timeZoneSchema,
    })
    .optional(),
});
export type PortalLinkEmailProps = z.input<typeof portalLinkEmailPropsSchema>;
type ParsedProps = z.output<typeof portalLinkEmailPropsSchema>;

function expiryText(props: ParsedProps): string {
  if (!props.expiresAt) {
    return '';
  }
  const when = formatInstant(props.expiresAt.instant, props.expiresAt.timeZone, props.language);
  return emailMessages(props.language).portalLink.expires(when);
}


export function PortalLinkEmail({ props }: { props: ParsedProps }) {
  const messages = emailMessages(props.language);
  const labels = messages.portalLink;
  const expiry = expiryText(props);

  return (
    <EmailLayout
      language={props.language}
      preview={labels.preview}
      heading={labels.heading}
      creditor={props.creditor}
      messages={messages}
    >
      <Text style={styles.text}>{messages.greeting(props.recipientName)}</Text>
      <Text style={styles.text}>{labels.intro}</Text>
      <Button href={props.portalUrl} style={styles.button}>
        {messages.actions.portal}
      </Button>
      <Text style={{ ...styles.notice, wordBreak: 'break-all' }}>{props.portalUrl}</Text>
      {expiry ? <Text style={styles.text}>{expiry}</Text> : null}
      <Text style={styles.text}>{labels.notRequested}</Text>
      <Text style={styles.text}>
        {messages.signOff}
        <br />
        {props.creditor.name}
      </Text>
    </EmailLayout>
  );
}

/** Renders an e-mail carrying a fresh link to the customer's portal. */
export async function renderPortalLinkEmail(input: PortalLinkEmailProps): Promise<RenderedEmail> {
  const props = parseDocumentProps(portalLinkEmailPropsSchema, input, 'portal link e-mail');
  const messages = emailMessages(props.language);
  const labels = messages.portalLink;

  const text = joinParagraphs([
    messages.greeting(props.recipientName),
    labels.intro,
    messages.labelled(messages.actions.portal, props.portalUrl),
    expiryText(props),
    labels.notRequested,
    `${messages.signOff}\n${props.creditor.name}`,
    footerText(props.creditor, messages),
  ]);

  return {
    subject: labels.subject(props.creditor.name),
    html: await render(<PortalLinkEmail props={props} />),
    text,
  };
}
