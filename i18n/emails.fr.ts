import type { EmailMessages } from './emails.js';

const invoicesWord = (count: number) => (count === 1 ? 'la facture' : 'les factures');

export const emailMessagesFr: EmailMessages = {
  greeting: (recipientName) => (recipientName ? `Bonjour ${recipientName},` : 'Bonjour,'),
  signOff: 'Cordialement,',
  labelled: (label, value) => `${label}\u00a0: ${value}`,

  reminders: {
    courtesy: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Échéance prochaine de la facture ${invoices.number}`
          : `Échéance prochaine de ${invoices.count} factures`,
      preview: (count) => `Pour information, ${invoicesWord(count)} ci-dessous ${count === 1 ? 'arrive' : 'arrivent'} bientôt à échéance.`,
      heading: (count) => (count === 1 ? 'Votre prochaine échéance' : 'Vos prochaines échéances'),
      intro: (count) =>
        `Pour faciliter votre organisation, voici ${invoicesWord(count)} qui ${count === 1 ? 'arrive' : 'arrivent'} prochainement à échéance. ` +
        'Votre relevé complet est disponible dans votre espace client.',
      closing: 'Si le règlement est déjà programmé, merci de ne pas tenir compte de ce message.',
    },
    friendly: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Rappel : facture ${invoices.number} en attente de règlement`
          : `Rappel : ${invoices.count} factures en attente de règlement`,
      preview: (count) => `Sauf erreur de notre part, ${invoicesWord(count)} ci-dessous ${count === 1 ? 'reste' : 'restent'} à régler.`,
      heading: (count) => (count === 1 ? 'Une facture en attente de règlement' : 'Des factures en attente de règlement'),
      intro: (count) =>
        `Sauf erreur de notre part, nous n’avons pas encore reçu le règlement de ${invoicesWord(count)} ci-dessous, ` +
        `arrivée${count === 1 ? '' : 's'} à échéance. Il s’agit peut-être d’un simple oubli : vous pouvez régler en ligne ` +
        'ou nous indiquer une date de paiement depuis votre espace client.',
      closing: 'Si votre paiement est déjà en route, merci de ne pas tenir compte de ce rappel.',
    },
    firm: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Deuxième rappel : facture ${invoices.number} impayée`
          : `Deuxième rappel : ${invoices.count} factures impayées`,
      preview: (count) => `Malgré notre précédent rappel, ${invoicesWord(count)} ci-dessous ${count === 1 ? 'reste' : 'restent'} impayée${count === 1 ? '' : 's'}.`,
      heading: (count) => (count === 1 ? 'Facture impayée : deuxième rappel' : 'Factures impayées : deuxième rappel'),
      intro: (count) =>
        `Malgré notre précédent rappel, ${invoicesWord(count)} ci-dessous ${count === 1 ? 'reste' : 'restent'} impayée${count === 1 ? '' : 's'}. ` +
        'Nous vous remercions de procéder au règlement sans délai ou de nous indiquer une date de paiement. ' +
        'Si une facture vous paraît contestable, signalez-le depuis votre espace client.',
      closing: 'Si votre paiement est déjà en route, merci de ne pas tenir compte de ce rappel.',
    },
    final: {
      subject: (invoices) =>
        invoices.number !== undefined
          ? `Dernier avis avant mise en demeure : facture ${invoices.number}`
          : `Dernier avis avant mise en demeure : ${invoices.count} factures`,
      preview: (count) => `Dernier avis : ${invoicesWord(count)} ci-dessous ${count === 1 ? 'reste' : 'restent'} impayée${count === 1 ? '' : 's'} malgré nos rappels.`,
      heading: () => 'Dernier avis avant mise en demeure',
      intro: (count) =>
        `Malgré nos rappels, ${invoicesWord(count)} ci-dessous ${count === 1 ? 'reste' : 'restent'} impayée${count === 1 ? '' : 's'}. ` +
        'Sans règlement ni date de paiement convenue de votre part, nous vous adresserons une mise en demeure ' +
        'par lettre recommandée avec accusé de réception, préalable à une procédure judiciaire de recouvrement.',
      closing: 'Nous préférons de loin un accord amiable : répondez-nous ou proposez une date de paiement dès aujourd’hui.',
    },
  },

  table: {
    invoice: 'Facture',
    issueDate: 'Émise le',
    dueDate: 'Échéance',
    original: 'Montant',
    paid: 'Réglé',
    balance: 'Reste dû',
    overdueDays: (days) => `${days} jour${days === 1 ? '' : 's'} de retard`,
    notYetDue: (days) => (days === 0 ? 'échue ce jour' : `dans ${days} jour${days === 1 ? '' : 's'}`),
    totalDue: (currency) => `Total dû (${currency})`,
    invoiceLine: (number, issueDate, dueDate) => `Facture ${number} émise le ${issueDate}, échéance le ${dueDate}`,
    amountsLine: (original, paid, balance) => `Montant ${original}, réglé ${paid}, reste dû ${balance}`,
  },

  penalties: {
    legalNotice:
      'Conformément à l’article L441-10 du Code de commerce, tout retard de paiement entraîne de plein droit, ' +
      'dès le lendemain de l’échéance et sans qu’un rappel soit nécessaire, des pénalités de retard au taux ' +
      'de la Banque centrale européenne (opération de refinancement la plus récente) majoré de 10 points, ' +
      'ainsi qu’une indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5 du Code de commerce).',
    heading: 'Pénalités et indemnités exigibles',
    penalty: 'Pénalités de retard',
    indemnity: 'Indemnité forfaitaire',
    totalLine: (currency, total) => `Total des pénalités et indemnités (${currency}) : ${total}`,
  },

  actions: {
    intro: 'Votre espace client vous permet de consulter vos factures, de régler en ligne, de proposer une date de paiement ou de signaler un litige.',
    portal: 'Accéder à mon espace client',
    pay: 'Payer en ligne',
    promise: 'Proposer une date de paiement',
    dispute: 'Signaler un litige',
  },

  footer: {
    siren: (siren) => `SIREN ${siren}`,
    contact: (senderEmail) => `Une question ? Répondez à ce message ou écrivez à ${senderEmail}.`,
    noAttachment: 'Ce message ne contient aucune pièce jointe : vos factures et relevés sont dans votre espace client.',
  },

  promiseConfirmation: {
    subject: (date, amount) => `Confirmation de votre promesse de paiement : ${amount} le ${date}`,
    preview: (date) => `Nous avons bien noté votre promesse de paiement pour le ${date}.`,
    heading: 'Promesse de paiement enregistrée',
    intro: (date, amount) => `Nous avons bien noté votre engagement à régler ${amount} au plus tard le ${date}. Merci.`,
    invoicesIntro: (count) => (count === 1 ? 'Cette promesse concerne la facture suivante :' : 'Cette promesse concerne les factures suivantes :'),
    pause: 'Nous suspendons nos relances d’ici là.',
    change: 'Si cette date ne vous convient plus, vous pouvez en proposer une autre depuis votre espace client.',
  },

  portalLink: {
    subject: (creditorName) => `Votre lien d’accès à l’espace client ${creditorName}`,
    preview: 'Voici votre nouveau lien d’accès à votre espace client.',
    heading: 'Votre lien d’accès',
    intro: 'Voici votre lien personnel vers votre espace client : vos factures, votre relevé, le paiement en ligne et vos demandes.',
    expires: (when) => `Ce lien est valable jusqu’au ${when}.`,
    notRequested: 'Si vous n’avez pas demandé ce lien, vous pouvez ignorer ce message.',
  },
};
