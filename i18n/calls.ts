import type { Language } from '../domain/scenario.js';

// Message catalogue of the collector's call script and of the call outcome codes. Each
// language implements the whole interface, so a missing message is a type error.

export const CALL_OUTCOMES = ['reached_promised', 'reached_disputed', 'no_answer', 'wrong_number', 'call_back'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface CallMessages {
  title: (customerName: string) => string;
  languageLine: string;
  steps: {
    greeting: string;
    subject: string;
    paymentDate: string;
    closing: string;
  };
  greeting: (collectorName: string | undefined, creditorName: string, contactName: string | undefined) => string;
  subject: (invoiceCount: number, totals: string) => string;
  invoiceLine: (number: string, dueDate: string, overdue: string, balance: string) => string;
  overdue: (days: number) => string;
  notYetDue: (days: number) => string;
  totalLine: (currency: string, total: string) => string;
  penaltiesReminder: string;
  askPaymentDate: string;
  ifDisputed: string;
  closing: string;
  outcomeHeading: string;
  /** Label of each outcome and the facts the collector records with it. */
  outcomes: Record<CallOutcome, { label: string; record: string }>;
  notesRule: string;
}

const fr: CallMessages = {
  title: (customerName) => `Appel de relance : ${customerName}`,
  languageLine: 'Langue de l’appel : français',
  steps: { greeting: '1. Salutation', subject: '2. Objet de l’appel', paymentDate: '3. Date de paiement', closing: '4. Conclusion' },
  greeting: (collectorName, creditorName, contactName) =>
    `« Bonjour, ${collectorName ? `je suis ${collectorName}, du` : 'je vous appelle de la part du'} service comptabilité de la société ${creditorName}. ` +
    `${contactName ? `Pourrais-je parler à ${contactName} ?` : 'Pourrais-je parler à la personne chargée du règlement des factures fournisseurs ?'} »`,
  subject: (count, totals) =>
    `« Je vous appelle au sujet de ${count === 1 ? 'une facture restée impayée' : `${count} factures restées impayées`}, pour un total de ${totals}. »`,
  invoiceLine: (number, dueDate, overdue, balance) => `- Facture ${number}, échéance le ${dueDate} (${overdue}) : reste dû ${balance}`,
  overdue: (days) => `${days} jour${days === 1 ? '' : 's'} de retard`,
  notYetDue: (days) => (days === 0 ? 'échue ce jour' : `échéance dans ${days} jour${days === 1 ? '' : 's'}`),
  totalLine: (currency, total) => `Total dû (${currency}) : ${total}`,
  penaltiesReminder:
    'Client professionnel : si besoin, rappelez que les pénalités de retard (Code de commerce L441-10) ' +
    'et l’indemnité forfaitaire de 40 € par facture (D441-5) sont dues.',
  askPaymentDate: '« Pouvez-vous me confirmer à quelle date et pour quel montant le règlement sera effectué ? »',
  ifDisputed: 'Si une facture est contestée : « Qu’est-ce qui pose problème sur cette facture ? » Notez la facture et le motif.',
  closing: '« Je vous envoie une confirmation par e-mail. Merci et bonne journée. »',
  outcomeHeading: 'Résultat de l’appel (un seul code) :',
  outcomes: {
    reached_promised: { label: 'Joint, promesse de paiement', record: 'noter la date et le montant promis' },
    reached_disputed: { label: 'Joint, litige', record: 'noter la facture et le motif' },
    no_answer: { label: 'Pas de réponse', record: 'rien à noter' },
    wrong_number: { label: 'Mauvais numéro', record: 'signaler le numéro à corriger' },
    call_back: { label: 'À rappeler', record: 'noter la date et l’heure du rappel' },
  },
  notesRule: 'Notes factuelles uniquement : la personne appelée peut les lire au titre de son droit d’accès (RGPD).',
};

const en: CallMessages = {
  title: (customerName) => `Collection call: ${customerName}`,
  languageLine: 'Call language: English',
  steps: { greeting: '1. Greeting', subject: '2. Reason for the call', paymentDate: '3. Payment date', closing: '4. Closing' },
  greeting: (collectorName, creditorName, contactName) =>
    `"Hello, ${collectorName ? `this is ${collectorName} from` : 'I am calling from'} the accounts department of ${creditorName}. ` +
    `${contactName ? `May I speak to ${contactName}?` : 'May I speak to the person in charge of paying supplier invoices?'}"`,
  subject: (count, totals) =>
    `"I am calling about ${count === 1 ? 'an unpaid invoice' : `${count} unpaid invoices`}, for a total of ${totals}."`,
  invoiceLine: (number, dueDate, overdue, balance) => `- Invoice ${number}, due ${dueDate} (${overdue}): balance due ${balance}`,
  overdue: (days) => `${days} day${days === 1 ? '' : 's'} overdue`,
  notYetDue: (days) => (days === 0 ? 'due today' : `due in ${days} day${days === 1 ? '' : 's'}`),
  totalLine: (currency, total) => `Total due (${currency}): ${total}`,
  penaltiesReminder:
    'Business customer: if needed, mention that late-payment penalties (French Code de commerce L441-10) ' +
    'and the fixed recovery indemnity of EUR 40 per invoice (D441-5) are owed.',
  askPaymentDate: '"Could you confirm on what date, and for what amount, the payment will be made?"',
  ifDisputed: 'If an invoice is disputed: "What is the problem with this invoice?" Record the invoice and the reason.',
  closing: '"I will send you a confirmation by e-mail. Thank you, goodbye."',
  outcomeHeading: 'Call outcome (one code):',
  outcomes: {
    reached_promised: { label: 'Reached, promise to pay', record: 'record the promised date and amount' },
    reached_disputed: { label: 'Reached, dispute', record: 'record the invoice and the reason' },
    no_answer: { label: 'No answer', record: 'nothing to record' },
    wrong_number: { label: 'Wrong number', record: 'flag the number for correction' },
    call_back: { label: 'Call back', record: 'record the date and time to call back' },
  },
  notesRule: 'Factual notes only: the person called can read them through their right of access (GDPR).',
};

const CATALOGUES: Record<Language, CallMessages> = { fr, en };

/** Returns the call-script messages of the language. */
export function callMessages(language: Language): CallMessages {
  return CATALOGUES[language];
}

/** Returns the label of a call outcome code in the language, for example "No answer". */
export function callOutcomeLabel(outcome: CallOutcome, language: Language): string {
  return CATALOGUES[language].outcomes[outcome].label;
}
