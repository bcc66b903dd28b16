import type { EmailMessages } from './emails.js';

const invoicesWord = (count: number) => (count === 1 ? 'the invoice' : 'the invoices');

export const emailMessagesEn: EmailMessages = {
  greeting: (recipientName) => (recipientName ? `Dear ${recipientName},` : 'Hello,'),
  signOff: 'Kind regards,',
  labelled: (label, value) => `${label}: ${value}`,

  reminders: {
    courtesy: {
      subject: (invoices) =>
        invoices.number !== undefined ? `Invoice ${invoices.number} falls due soon` : `${invoices.count} invoices fall due soon`,
      preview: (count) => `For your information, ${invoicesWord(count)} below ${count === 1 ? 'falls' : 'fall'} due soon.`,
      heading: (count) => (count === 1 ? 'Your next payment due' : 'Your next payments due'),
      intro: (count) =>
        `To help you plan, here ${count === 1 ? 'is' : 'are'} ${invoicesWord(count)} falling due shortly. ` +
        'Your full statement is in your customer portal.',
      closing: 'If payment is already scheduled, please disregard this message.',
    },
    friendly: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Reminder: invoice ${invoices.number} awaiting payment`
          : `Reminder: ${invoices.count} invoices awaiting payment`,
      preview: (count) => `Our records show ${invoicesWord(count)} below still ${count === 1 ? 'awaits' : 'await'} payment.`,
      heading: (count) => (count === 1 ? 'An invoice awaiting payment' : 'Invoices awaiting payment'),
      intro: (count) =>
        `According to our records, we have not yet received payment of ${invoicesWord(count)} below, now past due. ` +
        'It may simply have been overlooked: you can pay online or tell us when you will pay from your customer portal.',
      closing: 'If your payment is already on its way, please disregard this reminder.',
    },
    firm: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Second reminder: invoice ${invoices.number} unpaid`
          : `Second reminder: ${invoices.count} invoices unpaid`,
      preview: (count) => `Despite our previous reminder, ${invoicesWord(count)} below ${count === 1 ? 'remains' : 'remain'} unpaid.`,
      heading: (count) => (count === 1 ? 'Unpaid invoice: second reminder' : 'Unpaid invoices: second reminder'),
      intro: (count) =>
        `Despite our previous reminder, ${invoicesWord(count)} below ${count === 1 ? 'remains' : 'remain'} unpaid. ` +
        'Please pay without delay or tell us when you will pay. ' +
        'If you believe an invoice is wrong, let us know from your customer portal.',
      closing: 'If your payment is already on its way, please disregard this reminder.',
    },
    final: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Final notice before formal demand: invoice ${invoices.number}`
          : `Final notice before formal demand: ${invoices.count} invoices`,
      preview: (count) => `Final notice: ${invoicesWord(count)} below ${count === 1 ? 'remains' : 'remain'} unpaid despite our reminders.`,
      heading: () => 'Final notice before formal demand',
      intro: (count) =>
        `Despite our reminders, ${invoicesWord(count)} below ${count === 1 ? 'remains' : 'remain'} unpaid. ` +
        'Unless we receive payment or agree a payment date with you, we will send you a formal notice to pay ' +
        '(mise en demeure) by registered letter with acknowledgement of receipt, ahead of court recovery proceedings.',
      closing: 'We much prefer to settle this amicably: reply to us or propose a payment date today.',
    },
  },

  table: {
    invoice: 'Invoice',
    issueDate: 'Issued',
    dueDate: 'Due',
    original: 'Amount',
    paid: 'Paid',
    balance: 'Balance due',
    overdueDays: (days) => `${days} day${days === 1 ? '' : 's'} overdue`,
    notYetDue: (days) => (days === 0 ? 'due today' : `in ${days} day${days === 1 ? '' : 's'}`),
    totalDue: (currency) => `Total due (${currency})`,
    invoiceLine: (number, issueDate, dueDate) => `Invoice ${number} issued ${issueDate}, due ${dueDate}`,
    amountsLine: (original, paid, balance) => `Amount ${original}, paid ${paid}, balance due ${balance}`,
  },

  penalties: {
    legalNotice:
      'Under article L441-10 of the French Commercial Code (Code de commerce), late payment automatically incurs, ' +
      'from the day after the due date and without any reminder being required, late-payment penalties at the ' +
      'European Central Bank rate (most recent refinancing operation) plus 10 percentage points, and a fixed ' +
      'recovery indemnity of EUR 40 per invoice (article D441-5 of the Code de commerce).',
    heading: 'Penalties and indemnities due',
    penalty: 'Late-payment penalties',
    indemnity: 'Fixed recovery indemnity',
    totalLine: (currency, total) => `Total penalties and indemnities (${currency}): ${total}`,
  },

  actions: {
    intro: 'In your customer portal you can view your invoices, pay online, propose a payment date or raise a dispute.',
    portal: 'Open my customer portal',
    pay: 'Pay online',
    promise: 'Propose a payment date',
    dispute: 'Raise a dispute',
  },

  footer: {
    siren: (siren) => `SIREN ${siren}`,
    contact: (senderEmail) => `Any question? Reply to this message or write to ${senderEmail}.`,
    noAttachment: 'This message carries no attachment: your invoices and statements are in your customer portal.',
  },

  promiseConfirmation: {
    subject: (date, amount) => `Your promise to pay confirmed: ${amount} on ${date}`,
    preview: (date) => `We have recorded your promise to pay by ${date}.`,
    heading: 'Promise to pay recorded',
    intro: (date, amount) => `We have recorded your commitment to pay ${amount} by ${date}. Thank you.`,
    invoicesIntro: (count) => (count === 1 ? 'This promise covers the following invoice:' : 'This promise covers the following invoices:'),
    pause: 'We will send no reminder for these invoices until then.',
    change: 'If this date no longer suits you, you can propose another one from your customer portal.',
  },

  portalLink: {
    subject: (creditorName) => `Your link to the ${creditorName} customer portal`,
    preview: 'Here is your new link to your customer portal.',
    heading: 'Your access link',
    intro: 'Here is your personal link to your customer portal: your invoices, your statement, online payment and your requests.',
    expires: (when) => `This link is valid until ${when}.`,
    notRequested: 'If you did not request this link, you can ignore this message.',
  },
};
