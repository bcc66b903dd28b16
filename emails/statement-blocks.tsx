import { Button, Link, Section, Text } from '@react-email/components';

import type { EmailMessages } from '../i18n/emails.js';
import { styles } from './layout.js';
import type { Statement, StatementLine } from './statement.js';
import { portalActionUrl } from './statement.js';

// HTML blocks of a statement: the invoice table with per-currency totals, the claimed
// penalties and the portal links. Plain tables, because mail clients ignore most CSS.

const cell = { padding: '6px 8px', borderBottom: '1px solid #e4e7eb', fontSize: '13px', lineHeight: '18px' } as const;
const headerCell = { ...cell, color: '#52606d', fontWeight: 600, textAlign: 'left' } as const;
const amountCell = { ...cell, textAlign: 'right', whiteSpace: 'nowrap' } as const;
const amountHeaderCell = { ...headerCell, textAlign: 'right' } as const;
const totalCell = { ...amountCell, fontWeight: 700, borderBottom: 'none' } as const;
const table = { width: '100%', borderCollapse: 'collapse', margin: '8px 0 16px' } as const;

/** Returns the text of the overdue column: days past due, or when the invoice falls due. */
export function overdueText(line: StatementLine, messages: EmailMessages): string {
  return line.daysOverdue > 0 ? messages.table.overdueDays(line.daysOverdue) : messages.table.notYetDue(-line.daysOverdue);
}

export function InvoiceTable({ statement, messages }: { statement: Statement; messages: EmailMessages }) {
  const labels = messages.table;
  return (
    <table style={table} role="presentation" cellPadding={0} cellSpacing={0}>
      <thead>
        <tr>
          <th style={headerCell}>{labels.invoice}</th>
          <th style={headerCell}>{labels.issueDate}</th>
          <th style={headerCell}>{labels.dueDate}</th>
          <th style={amountHeaderCell}>{labels.daysOverdue}</th>
          <th style={amountHeaderCell}>{labels.original}</th>
          <th style={amountHeaderCell}>{labels.paid}</th>
          <th style={amountHeaderCell}>{labels.balance}</th>
        </tr>
      </thead>
      <tbody>
        {statement.lines.map((line) => (
          <tr key={line.number}>
            <td style={cell}>{line.number}</td>
            <td style={{ ...cell, whiteSpace: 'nowrap' }}>{line.issueDate}</td>
            <td style={{ ...cell, whiteSpace: 'nowrap' }}>{line.dueDate}</td>
            <td style={amountCell}>{overdueText(line, messages)}</td>
            <td style={amountCell}>{line.original}</td>
            <td style={amountCell}>{line.paid}</td>
            <td style={{ ...amountCell, fontWeight: 600 }}>{line.balance}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        {statement.totals.map((total) => (
          <tr key={total.currency}>
            <td style={{ ...totalCell, textAlign: 'left' }} colSpan={6}>
              {labels.totalDue(total.currency)}
            </td>
            <td style={totalCell}>{total.due}</td>
          </tr>
        ))}
      </tfoot>
    </table>
  );
}

export function PenaltyBlock({ statement, messages }: { statement: Statement; messages: EmailMessages }) {
  if (statement.penaltyLines.length === 0) {
    return null;
  }

  const labels = messages.penalties;
  return (
    <Section>
      <Text style={{ ...styles.text, fontWeight: 600 }}>{labels.heading}</Text>
      <table style={table} role="presentation" cellPadding={0} cellSpacing={0}>
        <thead>
          <tr>
            <th style={headerCell}>{messages.table.invoice}</th>
            <th style={amountHeaderCell}>{labels.penalty}</th>
            <th style={amountHeaderCell}>{labels.indemnity}</th>
          </tr>
        </thead>
        <tbody>
          {statement.penaltyLines.map((line) => (
            <tr key={line.invoiceNumber}>
              <td style={cell}>{line.invoiceNumber}</td>
              <td style={amountCell}>{line.penalty}</td>
              <td style={amountCell}>{line.indemnity}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {statement.penaltyTotals.map((total) => (
        <Text key={total.currency} style={{ ...styles.text, fontSize: '14px', fontWeight: 600 }}>
          {labels.totalLine(total.currency, total.total)}
        </Text>
      ))}
    </Section>
  );
}

const actionLink = { color: '#1d4ed8', fontSize: '14px', textDecoration: 'underline' } as const;

export function PortalActions({ portalUrl, messages }: { portalUrl: string; messages: EmailMessages }) {
  const labels = messages.actions;
  return (
    <Section style={{ margin: '16px 0' }}>
      <Text style={styles.text}>{labels.intro}</Text>
      <Button href={portalUrl} style={styles.button}>
        {labels.portal}
      </Button>
      <Text style={{ ...styles.text, marginTop: '16px' }}>
        <Link href={portalActionUrl(portalUrl, 'pay')} style={actionLink}>
          {labels.pay}
        </Link>
        {' · '}
        <Link href={portalActionUrl(portalUrl, 'promise')} style={actionLink}>
          {labels.promise}
        </Link>
        {' · '}
        <Link href={portalActionUrl(portalUrl, 'dispute')} style={actionLink}>
          {labels.dispute}
        </Link>
      </Text>
    </Section>
  );
}
