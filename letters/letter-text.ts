import { formatDate, localeFor } from '../emails/format.js';
import { formatSiren } from '../emails/schema.js';
import type { Statement } from '../emails/statement.js';
import type { LetterMessages, PenaltyFigures } from '../i18n/letters.js';
import type { ParsedReminderLetterProps } from './schema.js';

// Text pieces shared by the letters: identities, totals and the legal late-payment terms.

type LetterProps = Pick<ParsedReminderLetterProps, 'creditor' | 'debtor' | 'penaltyRatePercent' | 'letterDate' | 'language'>;

/** Returns the sender block: name, address, SIREN, VAT number and contact lines. */
export function creditorLines(props: LetterProps, messages: LetterMessages): string[] {
  const { creditor } = props;
  return [
    creditor.name,
    ...creditor.addressLines,
    messages.siren(formatSiren(creditor.siren)),
    ...(creditor.vatNumber ? [messages.vatNumber(creditor.vatNumber)] : []),
    ...(creditor.email ? [creditor.email] : []),
    ...(creditor.phone ? [creditor.phone] : []),
  ];
}

/** Returns the recipient block: name, address, then SIREN and VAT number when known. */
export function debtorLines(props: LetterProps, messages: LetterMessages): string[] {
  const { debtor } = props;
  return [
    debtor.name,
    ...debtor.addressLines,
    ...(debtor.siren ? [messages.siren(formatSiren(debtor.siren))] : []),
    ...(debtor.vatNumber ? [messages.vatNumber(debtor.vatNumber)] : []),
  ];
}

/** Returns the page footer: the creditor's name and SIREN. */
export function footerLine(props: LetterProps, messages: LetterMessages): string {
  return `${props.creditor.name} · ${messages.siren(formatSiren(props.creditor.siren))}`;
}

/** Returns the balances due per currency as one phrase ("950,50 € et 120,00 $US"). */
export function totalsPhrase(statement: Statement, messages: LetterMessages): string {
  return messages.andList(statement.totals.map((total) => total.due));
}

/** Returns the late-penalty figures for the legal paragraphs; amounts only when passed in. */
export function penaltyFigures(props: LetterProps, statement: Statement, messages: LetterMessages): PenaltyFigures {
  const rate =
    props.penaltyRatePercent === undefined
      ? undefined
      : messages.percent(new Intl.NumberFormat(localeFor(props.language), { maximumFractionDigits: 2 }).format(props.penaltyRatePercent));

  const hasAmounts = statement.penaltyTotals.length > 0;
  return {
    rate,
    asOf: formatDate(props.letterDate, props.language),
    penalties: hasAmounts ? messages.andList(statement.penaltyTotals.map((total) => total.penalty)) : undefined,
    indemnities: hasAmounts ? messages.andList(statement.penaltyTotals.map((total) => total.indemnity)) : undefined,
  };
}
