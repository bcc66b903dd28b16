import { portalMessagesEn } from '../../i18n/portal.en.js';
import { portalMessagesFr } from '../../i18n/portal.fr.js';

// Message catalogue of the customer portal. Each language implements the whole
// interface, so a missing message is a type error.

export type PortalLanguage = 'fr' | 'en';
export const PORTAL_LANGUAGES: readonly PortalLanguage[] = ['fr', 'en'];

export type DisputeReasonCode = 'quantity' | 'price' | 'quality' | 'not_delivered' | 'already_paid' | 'other';

export interface PortalMessages {
  /** Name of the language in itself, for the language switch. */
  languageName: string;
  skipToContent: string;
  portalTitle: (company: string) => string;
  nav: { label: string; statement: string; pay: string; promise: string; dispute: string; alreadyPaid: string };
  languageSwitch: string;
  footer: (company: string, siren: string, address: string) => string;

  statement: {
    title: string;
    greeting: (customer: string) => string;
    asOf: (date: string) => string;
    openHeading: string;
    noOpenInvoices: string;
    closedHeading: string;
    noClosedInvoices: string;
    invoice: string;
    issueDate: string;
    dueDate: string;
    daysOverdue: string;
    amount: string;
    paid: string;
    balance: string;
    status: string;
    copy: string;
    copyLabel: (number: string) => string;
    overdueDays: (days: number) => string;
    notYetDue: (days: number) => string;
    totalDue: (currency: string) => string;
    totalsHeading: string;
    penaltiesHeading: string;
    penaltiesNotice: string;
    penalty: string;
    indemnity: string;
    remindersHeading: string;
    noReminders: string;
    answersHeading: string;
    noAnswers: string;
    sentOn: string;
    subject: string;
    invoices: string;
    answer: string;
    closedOn: string;
  };
  caseStatus: Record<string, string>;
  answerTypes: Record<string, string>;
  disputeReasons: Record<DisputeReasonCode, string>;

  pay: {
    title: string;
    intro: string;
    transferHeading: string;
    iban: string;
    bic: string;
    beneficiary: string;
    reference: string;
    referenceHint: string;
    noBankDetails: string;
    payOnline: string;
    payOnlineLabel: (number: string) => string;
    nothingToPay: string;
  };

  promise: {
    title: string;
    intro: (latestDate: string) => string;
    date: string;
    dateHint: (latestDate: string) => string;
    invoicesLegend: string;
    amountFor: (number: string, balance: string) => string;
    include: (number: string) => string;
    submit: string;
    nothingToPromise: string;
    resultHeading: string;
    resultIntro: (date: string) => string;
    confirmationSent: string;
  };

  dispute: {
    title: string;
    intro: string;
    invoice: string;
    reason: string;
    comment: string;
    commentHint: string;
    attachments: string;
    attachmentsHint: string;
    submit: string;
    nothingToDispute: string;
    resultHeading: string;
    resultIntro: string;
    openSince: (date: string, reason: string) => string;
  };

  alreadyPaid: {
    title: string;
    intro: string;
    invoice: string;
    paidOn: string;
    amount: string;
    amountHint: (currency: string) => string;
    proof: string;
    proofHint: string;
    submit: string;
    resultHeading: string;
    resultIntro: string;
  };

  outcome: {
    heading: string;
    pending: string;
    applied: (number: string, status: string) => string;
    ended: (number: string, status: string) => string;
    rejected: (number: string) => string;
    noCase: (number: string) => string;
    recorded: (number: string) => string;
    backToStatement: string;
  };

  errors: {
    summary: string;
    required: string;
    invalidDate: string;
    dateRange: (earliest: string, latest: string) => string;
    invalidAmount: string;
    amountAboveBalance: (balance: string) => string;
    chooseInvoice: string;
    chooseReason: string;
    commentTooLong: string;
    tooManyFiles: string;
    fileTooLarge: (name: string) => string;
    fileType: (name: string) => string;
    formExpired: string;
    forbiddenTitle: string;
    forbidden: string;
    notFoundTitle: string;
    notFound: string;
    rateLimitedTitle: string;
    rateLimited: string;
    serverErrorTitle: string;
    serverError: string;
  };

  link: {
    invalidTitle: string;
    invalid: string;
    expiredTitle: string;
    expired: string;
    revoked: string;
    sendFresh: string;
    sentTitle: string;
    sent: string;
    noContact: string;
    tooMany: string;
  };
}

const CATALOGUES: Record<PortalLanguage, PortalMessages> = { fr: portalMessagesFr, en: portalMessagesEn };

export function portalMessages(language: PortalLanguage): PortalMessages {
  return CATALOGUES[language];
}

export function isPortalLanguage(value: unknown): value is PortalLanguage {
  return value === 'fr' || value === 'en';
}
