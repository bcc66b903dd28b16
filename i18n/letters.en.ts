import type { LetterMessages } from './letters.js';

// English translation of the French letters, for customers abroad. The claims stay
// under French law, which the formal notice states, so the French terms of art are
// kept in brackets beside their translation.

export const letterMessagesEn: LetterMessages = {
  placeAndDate: (place, date) => `${place}, ${date}`,
  objectLabel: 'Subject:',
  salutation: 'Dear Sir or Madam,',
  siren: (siren) => `SIREN ${siren}`,
  vatNumber: (vatNumber) => `VAT No. ${vatNumber}`,
  table: {
    invoice: 'Invoice',
    issueDate: 'Date',
    dueDate: 'Due date',
    original: 'Amount',
    paid: 'Paid',
    balance: 'Balance due',
    totalDue: (currency) => `Total due (${currency})`,
  },
  percent: (rate) => `${rate}%`,
  andList: (amounts) => new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(amounts),

  businessPenalties: ({ rate, asOf, penalties }) =>
    'Under article L441-10 of the French Commercial Code (Code de commerce), these sums automatically bear ' +
    'late-payment penalties from the day after their due date, without any reminder being required, at the ' +
    'interest rate applied by the European Central Bank to its most recent refinancing operation plus 10 ' +
    'percentage points, the rate in force on 1 January applying to the first half-year and the rate in force ' +
    `on 1 July to the second${rate ? ` (that is ${rate} a year)` : ''}.` +
    (penalties ? ` Calculated up to ${asOf}, they amount to ${penalties}.` : ''),
  businessIndemnity: ({ indemnities }) =>
    'In addition, a fixed recovery indemnity of EUR 40 is owed for each invoice paid late (articles L441-10 ' +
    `and D441-5 of the Code de commerce)${indemnities ? `, that is ${indemnities}` : ''}.`,
  paymentInstructions: 'How to pay:',
  payOnline: 'You can also pay online from your customer portal:',
  closing: 'Yours faithfully,',
  signatureFor: (creditorName) => `For ${creditorName},`,
  page: (page, pageCount) => `Page ${page}/${pageCount}`,

  formalNotice: {
    documentTitle: 'Formal notice to pay',
    registeredMail: 'Registered letter with acknowledgement of receipt (lettre recommandée avec accusé de réception)',
    governingLaw:
      'French law governs this formal notice and the claims below; the articles cited are those of the French codes.',
    object: (totals) => `Formal notice (mise en demeure) to pay the sum of ${totals}`,
    intro: (count) =>
      count === 1
        ? 'Despite our reminders, the following invoice, now past due, remains unpaid to date:'
        : 'Despite our reminders, the following invoices, now past due, remain unpaid to date:',
    demand: (totals, deadline, withPenalties) =>
      `We therefore give you formal notice to pay us the sum of ${totals}` +
      `${withPenalties ? ', plus the penalties and indemnities above,' : ''} by ${deadline} at the latest.`,
    legalEffect:
      'This letter is a formal notice (mise en demeure) within the meaning of articles 1344 and 1344-1 of the ' +
      'French Civil Code (Code civil).',
    consumerInterest: 'It causes interest at the statutory rate to run on the sums due (article 1344-1 of the Code civil).',
    consequences:
      'Failing payment within this period, we will, without further notice, apply to the competent court for an ' +
      'order for payment (injonction de payer, articles 1405 et seq. of the French Code of Civil Procedure), ' +
      'and the costs of the proceedings may be charged to you.',
    dispute: 'If you consider that you do not owe all or part of these sums, please tell us in writing within the same period.',
    enclosures: 'Enclosures:',
  },

  reminderLetter: {
    documentTitle: 'Reminder of unpaid invoices',
    object: (count, invoiceNumber) => (count === 1 ? `Reminder: invoice ${invoiceNumber} unpaid` : `Reminder: ${count} invoices unpaid`),
    intro: (count) =>
      count === 1
        ? 'Unless we are mistaken, we have not yet received payment of the following invoice, now past due:'
        : 'Unless we are mistaken, we have not yet received payment of the following invoices, now past due:',
    request: (totals) => `Please pay us the sum of ${totals} as soon as possible.`,
    ifPaid: 'If you have paid in the meantime, please disregard this letter.',
    contact: 'If you have any question or disagree with an invoice, please contact us.',
  },
};
