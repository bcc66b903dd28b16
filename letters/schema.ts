import { z } from 'zod';

import { languageSchema } from '../domain/scenario.js';
import {
  calendarDateSchema,
  checkInvoiceLines,
  checkPenaltyLines,
  invoiceLineSchema,
  penaltyLineSchema,
  portalUrlSchema,
  singleLine,
  sirenSchema,
} from '../emails/schema.js';

// Props of the postal letters. The formal notice needs identities a court can use: the
// creditor's SIREN and, for a business debtor, its SIREN or VAT number.

/** An intra-community VAT number, spaces allowed: two letters then 2 to 13 letters or digits. */
export const vatNumberSchema = z
  .string()
  .transform((vatNumber) => vatNumber.replace(/\s/g, '').toUpperCase())
  .refine((vatNumber) => /^[A-Z]{2}[A-Z0-9]{2,13}$/.test(vatNumber), { error: (issue) => `invalid VAT number "${String(issue.input)}": expected a country code and 2 to 13 letters or digits, for example FR40303265045` });

const addressLinesSchema = z.array(singleLine(120)).min(1).max(6);

export const letterCreditorSchema = z.object({
  name: singleLine(200),
  siren: sirenSchema,
  vatNumber: vatNumberSchema.optional(),
  /** Postal address, one line per element: street, postcode and town, country. */
  addressLines: addressLinesSchema,
  email: z.email().optional(),
  phone: singleLine(40).optional(),
});

export const letterDebtorSchema = z.object({
  name: singleLine(200),
  /** Business debtors owe late penalties and the 40 EUR recovery indemnity (Code de commerce L441-10, D441-5). */
  isBusiness: z.boolean(),
  siren: sirenSchema.optional(),
  vatNumber: vatNumberSchema.optional(),
  addressLines: addressLinesSchema,
});

export const signatorySchema = z.object({
  name: singleLine(120),
  title: singleLine(120).optional(),
});

const letterBaseShape = {
  language: languageSchema,
  creditor: letterCreditorSchema,
  debtor: letterDebtorSchema,
  /** Town where the letter is written, printed before its date. */
  place: singleLine(80),
  /** Date of the letter; balances, days overdue and penalties are stated as of this date. */
  letterDate: calendarDateSchema,
  invoices: z.array(invoiceLineSchema),
  penalties: z.array(penaltyLineSchema).optional(),
  /** Annual late-penalty rate in percent used for the penalties, for example 12.15. */
  penaltyRatePercent: z.number().positive().max(100).optional(),
  /** Bank details or other payment instructions, one line each. */
  paymentInstructions: z.array(singleLine(200)).max(8).optional(),
  portalUrl: portalUrlSchema.optional(),
  signatory: signatorySchema,
};

export const reminderLetterPropsSchema = z.object(letterBaseShape).superRefine((props, context) => {
  checkInvoiceLines(props.invoices, context);
  checkPenaltyLines(props.penalties, props.invoices, { name: props.debtor.name, isBusiness: props.debtor.isBusiness }, context);
});
export type ReminderLetterProps = z.input<typeof reminderLetterPropsSchema>;
export type ParsedReminderLetterProps = z.output<typeof reminderLetterPropsSchema>;

export const formalNoticePropsSchema = z
  .object({
    ...letterBaseShape,
    /** Last day to pay before court action; eight days after the letter is usual. */
    paymentDeadline: calendarDateSchema,
    /** Documents sent with the letter, for example copies of the invoices. */
    enclosures: z.array(singleLine(200)).max(10).optional(),
  })
  .superRefine((props, context) => {
    checkInvoiceLines(props.invoices, context);
    checkPenaltyLines(props.penalties, props.invoices, { name: props.debtor.name, isBusiness: props.debtor.isBusiness }, context);

    if (props.paymentDeadline <= props.letterDate) {
      context.addIssue({
        code: 'custom',
        message: `payment deadline ${props.paymentDeadline} is not after the letter date ${props.letterDate}: give the debtor time to pay, usually 8 days`,
        path: ['paymentDeadline'],
      });
    }
    if (props.debtor.isBusiness && !props.debtor.siren && !props.debtor.vatNumber) {
      context.addIssue({
        code: 'custom',
        message: `business debtor "${props.debtor.name}" has neither SIREN nor VAT number: a formal notice must identify the debtor, so pass one`,
        path: ['debtor', 'siren'],
      });
    }
  });
export type FormalNoticeProps = z.input<typeof formalNoticePropsSchema>;
export type ParsedFormalNoticeProps = z.output<typeof formalNoticePropsSchema>;

/** A rendered letter: the PDF and its number of pages, which is its number of sheets printed one-sided. */
export interface RenderedLetter {
  pdf: Buffer;
  pages: number;
}
