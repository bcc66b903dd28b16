import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';
import { z } from 'zod';

import type { Language } from '../domain/scenario.js';
import type { EmailMessages } from '../i18n/emails.js';
import { formatSiren, singleLine, sirenSchema } from './schema.js';

// The frame shared by every customer e-mail: system fonts only, no image, no remote
// resource, and the creditor's identity in the footer.

export const emailCreditorSchema = z.object({
  name: singleLine(200),
  siren: sirenSchema.optional(),
  /** Postal address on one line, for example "12 rue de la Paix, 75002 Paris". */
  address: singleLine(300).optional(),
  /** Address the e-mail is sent from; replies go there. */
  senderEmail: z.email(),
});
export type EmailCreditor = z.infer<typeof emailCreditorSchema>;

// Fonts installed on the reader's device; a remote web font would be a request per open.
const FONT_STACK = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

export const styles = {
  body: { backgroundColor: '#f4f5f7', fontFamily: FONT_STACK, color: '#1f2933', margin: 0, padding: '16px 0' },
  container: { backgroundColor: '#ffffff', maxWidth: '640px', margin: '0 auto', padding: '24px', borderRadius: '6px' },
  heading: { fontSize: '20px', lineHeight: '28px', margin: '0 0 16px', color: '#102a43' },
  text: { fontSize: '15px', lineHeight: '22px', margin: '0 0 12px' },
  notice: { fontSize: '13px', lineHeight: '19px', margin: '12px 0', color: '#52606d' },
  footer: { fontSize: '12px', lineHeight: '18px', margin: '0 0 4px', color: '#7b8794' },
  hr: { borderColor: '#e4e7eb', margin: '24px 0 12px' },
  button: {
    backgroundColor: '#1d4ed8',
    color: '#ffffff',
    borderRadius: '4px',
    fontSize: '15px',
    fontWeight: 600,
    padding: '12px 20px',
    textDecoration: 'none',
  },
} as const;

/** Returns the footer lines of the creditor's identity: name, SIREN and address. */
export function creditorIdentityLines(creditor: EmailCreditor, messages: EmailMessages): string[] {
  const lines = [creditor.name];
  if (creditor.siren) {
    lines.push(messages.footer.siren(formatSiren(creditor.siren)));
  }
  if (creditor.address) {
    lines.push(creditor.address);
  }
  return lines;
}

interface EmailLayoutProps {
  language: Language;
  preview: string;
  heading: string;
  creditor: EmailCreditor;
  messages: EmailMessages;
  children: ReactNode;
}

export function EmailLayout({ language, preview, heading, creditor, messages, children }: EmailLayoutProps) {
  return (
    <Html lang={language}>
      <Head>
        <meta name="color-scheme" content="light" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr style={styles.hr} />
          <Section>
            <Text style={styles.footer}>{creditorIdentityLines(creditor, messages).join(' · ')}</Text>
            <Text style={styles.footer}>{messages.footer.contact(creditor.senderEmail)}</Text>
            <Text style={styles.footer}>{messages.footer.noAttachment}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
