import type { LetterMessages } from './letters.js';

// Wording of the French letters. The formal notice cites Code civil 1344 and 1344-1,
// Code de commerce L441-10 and D441-5, and Code de procédure civile 1405.

export const letterMessagesFr: LetterMessages = {
  placeAndDate: (place, date) => `${place}, le ${date}`,
  objectLabel: 'Objet :',
  salutation: 'Madame, Monsieur,',
  siren: (siren) => `SIREN ${siren}`,
  vatNumber: (vatNumber) => `N° TVA ${vatNumber}`,
  table: {
    invoice: 'Facture',
    issueDate: 'Date',
    dueDate: 'Échéance',
    original: 'Montant',
    paid: 'Réglé',
    balance: 'Reste dû',
    totalDue: (currency) => `Total dû (${currency})`,
  },
  percent: (rate) => `${rate} %`,
  andList: (amounts) => new Intl.ListFormat('fr-FR', { type: 'conjunction' }).format(amounts),

  businessPenalties: ({ rate, asOf, penalties }) =>
    'En application de l’article L441-10 du Code de commerce, ces sommes portent de plein droit, dès le ' +
    'lendemain de leur date d’échéance et sans qu’un rappel soit nécessaire, des pénalités de retard calculées ' +
    'au taux d’intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus ' +
    'récente, majoré de 10 points de pourcentage, le taux retenu étant celui en vigueur au 1er janvier pour le ' +
    `premier semestre et au 1er juillet pour le second${rate ? ` (soit ${rate} l’an)` : ''}.` +
    (penalties ? ` Arrêtées au ${asOf}, elles s’élèvent à ${penalties}.` : ''),
  businessIndemnity: ({ indemnities }) =>
    'S’y ajoute l’indemnité forfaitaire pour frais de recouvrement de 40 euros due pour chaque facture ' +
    `payée en retard (articles L441-10 et D441-5 du Code de commerce)${indemnities ? `, soit ${indemnities}` : ''}.`,
  paymentInstructions: 'Modalités de règlement :',
  payOnline: 'Vous pouvez également régler en ligne depuis votre espace client :',
  closing: 'Veuillez agréer, Madame, Monsieur, l’expression de nos salutations distinguées.',
  signatureFor: (creditorName) => `Pour ${creditorName},`,
  page: (page, pageCount) => `Page ${page}/${pageCount}`,

  formalNotice: {
    documentTitle: 'Mise en demeure de payer',
    registeredMail: 'Lettre recommandée avec accusé de réception',
    governingLaw: '',
    object: (totals) => `Mise en demeure de payer la somme de ${totals}`,
    intro: (count) =>
      count === 1
        ? 'Malgré nos relances, la facture suivante, arrivée à échéance, reste impayée à ce jour :'
        : 'Malgré nos relances, les factures suivantes, arrivées à échéance, restent impayées à ce jour :',
    demand: (totals, deadline, withPenalties) =>
      `En conséquence, nous vous mettons en demeure de nous régler la somme de ${totals}` +
      `${withPenalties ? ', majorée des pénalités et indemnités ci-dessus,' : ''} au plus tard le ${deadline}.`,
    legalEffect: 'La présente lettre vaut mise en demeure au sens des articles 1344 et 1344-1 du Code civil.',
    consumerInterest: 'Elle fait courir les intérêts moratoires au taux légal sur les sommes dues (article 1344-1 du Code civil).',
    consequences:
      'À défaut de règlement dans ce délai, nous saisirons sans autre avis la juridiction compétente d’une requête ' +
      'en injonction de payer (articles 1405 et suivants du Code de procédure civile), les frais de procédure ' +
      'pouvant être mis à votre charge.',
    dispute: 'Si vous estimez ne pas devoir tout ou partie de ces sommes, merci de nous en faire part par écrit dans ce même délai.',
    enclosures: 'Pièces jointes :',
  },

  reminderLetter: {
    documentTitle: 'Relance de factures impayées',
    object: (count, invoiceNumber) => (count === 1 ? `Relance : facture ${invoiceNumber} impayée` : `Relance : ${count} factures impayées`),
    intro: (count) =>
      count === 1
        ? 'Sauf erreur ou omission de notre part, nous n’avons pas reçu à ce jour le règlement de la facture suivante, arrivée à échéance :'
        : 'Sauf erreur ou omission de notre part, nous n’avons pas reçu à ce jour le règlement des factures suivantes, arrivées à échéance :',
    request: (totals) => `Nous vous remercions de bien vouloir nous régler la somme de ${totals} dans les meilleurs délais.`,
    ifPaid: 'Si votre règlement a été effectué entre-temps, nous vous prions de ne pas tenir compte de la présente lettre.',
    contact: 'Pour toute question ou contestation, n’hésitez pas à nous contacter.',
  },
};
