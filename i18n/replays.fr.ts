import type { ReplayMessages } from './replays.en.js';

// Wording of replay reports (markdown and back-office pages) in French; replays.en.ts has the same keys.

export const replaysFr: ReplayMessages = {
  listTitle: 'Rejeux',
  listIntro: 'Historiques de créances rejoués dans le moteur de relance, du plus récent au plus ancien.',
  noReports: 'Aucun rapport de rejeu pour l’instant. Rejouez un historique de créances pour en créer un.',
  title: (from: string, to: string) => `Rapport de rejeu du ${from} au ${to}`,
  open: 'Ouvrir',
  created: 'Créé le',
  downloadMarkdown: 'Télécharger le rapport en markdown',
  figure: 'Indicateur',
  value: 'Valeur',
  count: 'Nombre',
  estimateNote: 'Les chiffres carbone sont des estimations fondées sur des facteurs publiés.',
  // NOTE: a translation of BASELINE_METHOD in api/services/carbon.ts, to change with it.
  baselineMethod: () =>
    'Référence tout courrier : chaque e-mail et chaque appel est remplacé par une lettre verte portant autant de feuilles '
    + 'que la moyenne, arrondie au-dessus, des courriers de relance de la file d’impression, ou 1 feuille si aucun n’a été imprimé ; '
    + 'son empreinte est le facteur d’affranchissement plus autant de fois le facteur par feuille. Les courriers, lettres recommandées '
    + 'et visites comptent autant dans la référence que dans le registre. Économie = référence - registre.',

  meta: {
    heading: 'Rejeu',
    period: 'Période',
    sources: 'Sources',
    scenario: 'Scénario',
    wallTime: 'Durée réelle',
    machine: 'Machine',
    generatedAt: 'Calculé le',
    scope: 'Factures émises sur la période',
    customers: 'Clients',
    cases: 'Dossiers',
  },
  cases: {
    heading: 'Dossiers par issue',
    total: 'Total',
    outcomes: {
      paid: 'Payés',
      settled_by_credit_note: 'Soldés par avoir',
      written_off: 'Passés en perte',
      handed_over: 'Transmis au contentieux',
      cancelled: 'Annulés',
      disputed_at_period_end: 'En litige en fin de période',
      open_at_period_end: 'Ouverts en fin de période',
    } as Record<string, string>,
  },
  channels: {
    heading: 'Relances par canal',
    names: { email: 'E-mail', phone: 'Tâche d’appel', letter: 'Courrier', registered_letter: 'Lettre recommandée', visit: 'Visite' } as Record<string, string>,
    notDeliverable: 'E-mails non distribuables (non envoyés)',
  },
  grouping: {
    heading: 'E-mails par facture',
    invoicesReminded: 'Factures relancées par e-mail',
    withGrouping: 'Avec regroupement (envoyés)',
    withoutGrouping: 'Sans regroupement (un par facture)',
    emails: 'E-mails',
    perInvoice: 'E-mails par facture',
    ratio: 'E-mails envoyés pour un e-mail par facture',
  },
  checks: {
    heading: 'Contrôles',
    afterPayment: 'Relances envoyées après le règlement de la facture',
    duringDispute: 'Relances envoyées pendant un litige ouvert',
    expected: 'doit valoir 0',
    passed: 'réussi',
    failed: 'échoué',
    invoice: 'Facture',
    customer: 'Client',
    sentAt: 'Envoyée le (UTC)',
    since: 'Réglée ou contestée le (UTC)',
  },
  promises: { heading: 'Promesses de paiement', made: 'Faites', kept: 'Tenues', broken: 'Non tenues', pending: 'En cours' },
  disputes: { heading: 'Litiges', opened: 'Ouverts', resolved: 'Résolus', closedWithCase: 'Clos avec le dossier (payé ou soldé)', openAtPeriodEnd: 'Ouverts en fin de période' },
  cash: { heading: 'Encaissements', currency: 'Devise', amount: 'Montant', none: 'Aucun paiement affecté.' },
  carbon: {
    heading: 'Empreinte estimée (gCO2e)',
    channel: 'Canal',
    lines: 'Actions',
    actual: 'Rejeu',
    baseline: 'Référence tout courrier',
    total: 'Total',
    saving: 'Économie par rapport à la référence',
    perThousandEur: 'Pour mille euros encaissés',
  },
  aged: {
    heading: 'Balance âgée',
    monthly: (currency: string) => `Balance âgée en ${currency} à la fin de la dernière semaine de chaque mois`,
    chart: (currency: string) => `Balance âgée en ${currency} par semaine`,
    date: 'Date',
    buckets: { not_due: 'Non échu', d1_30: '1 à 30 jours', d31_60: '31 à 60 jours', d61_90: '61 à 90 jours', over_90: 'Plus de 90 jours' } as Record<string, string>,
    none: 'Aucune facture sur la période.',
  },
  none: 'aucune',
};
