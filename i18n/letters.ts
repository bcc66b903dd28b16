import type { Language } from '../domain/scenario.js';
import { letterMessagesEn } from './letters.en.js';
import { letterMessagesFr } from './letters.fr.js';

// Message catalogue of the postal letters: the formal notice ("mise en demeure") and the
// plain reminder letter. Each language implements the whole interface, so a missing
// message is a type error.

/** Amounts already formatted for the text, one string per currency joined by the caller. */
export interface PenaltyFigures {
  /** Annual rate applied, for example "12,15 %", when the caller passed it. */
  rate?: string;
  /** Date the penalties were computed up to. */
  asOf: string;
  /** Total penalties, or undefined when the caller passed no amounts. */
  penalties?: string;
  /** Total fixed recovery indemnities, or undefined when the caller passed no amounts. */
  indemnities?: string;
}

export interface LetterMessages {
  placeAndDate: (place: string, date: string) => string;
  objectLabel: string;
  salutation: string;
  siren: (siren: string) => string;
  vatNumber: (vatNumber: string) => string;
  table: {
    invoice: string;
    issueDate: string;
    dueDate: string;
    original: string;
    paid: string;
    balance: string;
    totalDue: (currency: string) => string;
  };
  percent: (rate: string) => string;
  /** Joins amounts in several currencies, which are never added together. */
  andList: (amounts: string[]) => string;
  businessPenalties: (figures: PenaltyFigures) => string;
  businessIndemnity: (figures: PenaltyFigures) => string;
  paymentInstructions: string;
  /** Line introducing the portal's payment page, printed on the line above its URL. */
  payOnline: string;
  closing: string;
  signatureFor: (creditorName: string) => string;
  page: (page: number, pageCount: number) => string;
  formalNotice: {
    documentTitle: string;
    registeredMail: string;
    /** Sentence stating that French law applies, for letters in another language; empty in French. */
    governingLaw: string;
    object: (totals: string) => string;
    intro: (invoiceCount: number) => string;
    demand: (totals: string, deadline: string, withPenalties: boolean) => string;
    legalEffect: string;
    consumerInterest: string;
    consequences: string;
    dispute: string;
    enclosures: string;
  };
  reminderLetter: {
    documentTitle: string;
    object: (invoiceCount: number, invoiceNumber: string) => string;
    intro: (invoiceCount: number) => string;
    request: (totals: string) => string;
    ifPaid: string;
    contact: string;
  };
}

const CATALOGUES: Record<Language, LetterMessages> = { fr: letterMessagesFr, en: letterMessagesEn };

/** Returns the letter messages of the language. */
export function letterMessages(language: Language): LetterMessages {
  return CATALOGUES[language];
}
