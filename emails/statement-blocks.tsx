import { Button, Link, Section, Text } from '@react-email/components';

import type { EmailMessages } from '../i18n/emails.js';
import { styles } from './layout.js';
import type { Statement, StatementLine } from './statement.js';
import { portalActionUrl } from './statement.js';

// HTML blocks of a statement: the invoice table with per-currency totals, the claimed
// penalties and the portal links. Plain tables, because mail clients ignore most CSS.

// Three columns, so the table fits a phone screen: the invoice with its dates below it,
// the amount with what was paid below it, and the balance. Body rows carry the shortest
// styles that render the same, because each invoice adds a row: the table sets the
// font, cells inherit it, and amounts align with the `align` attribute.
const table = { width: '100%', borderCollapse: 'collapse', margin: '8px 0 16px', fontSize: '14px', lineHeight: '20px' } as const;
const cell = { padding: '8px 6px', borderBottom: '1px solid #e4e7eb', verticalAlign: 'top' } as const;
const headerCell = { ...cell, color: '#52606d', fontSize: '13px', fontWeight: 600 } as const;
const detail = { color: '#52606d', fontSize: '12px', lineHeight: '17px' } as const;
const totalCell = { padding: '8px 6px', fontWeight: 700 } as const;

/** Returns how late an invoice is ("45 days overdue"), or when it falls due. */
export function overdueText(line: StatementLine, messages: EmailMessages): string {
  return line.daysOverdue > 0 ? messages.table.overdueDays(line.daysOverdue) : messages.table.notYetDue(-line.daysOverdue);
}

/** Returns the dates line under an invoice number: issue date, due date and lateness. */
export function invoiceDatesText(line: StatementLine, messages: EmailMessages): string {
  const labels = messages.table;
  return `${labels.issueDate} ${line.issueDate} · ${labels.dueDate} ${line.dueDate} · ${overdueText(line, messages)}`;
}

export function InvoiceTable({ statement, messages }: { statement: Statement; messages: EmailMessages }) {
  const labels = messages.table;
  return (
    <table style={table} role="presentation" cellPadding={0} cellSpacing={0}>
      <thead>
        <tr>
          <th align="left" style={headerCell}>
            {labels.invoice}
          </th>
          <th align="right" style={headerCell}>
            {labels.original}
          </th>
          <th align="right" style={headerCell}>
            {labels.balance}
          </th>
        </tr>
      </thead>
      <tbody>
        {statement.lines.map((line) => (
          <tr key={line.number}>
            <td style={cell}>
              <b style={{ whiteSpace: 'nowrap' }}>{line.number}</b>
              <br />
              <span style={detail}>{invoiceDatesText(line, messages)}</span>
            </td>
            <td align="right" style={cell}>
              {line.original}
              <br />
              <span style={{ ...detail, whiteSpace: 'nowrap' }}>{`${labels.paid} ${line.paid}`}</span>
            </td>
            <td align="right" style={{ ...cell, fontWeight: 700 }}>
              {line.balance}
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        {statement.totals.map((total) => (
          <tr key={total.currency}>
            <td align="left" style={totalCell} colSpan={2}>
              {labels.totalDue(total.currency)}
            </td>
            <td align="right" style={totalCell}>
              {total.due}
            </td>
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
            <th align="left" style={headerCell}>
              {messages.table.invoice}
            </th>
            <th align="right" style={headerCell}>
              {labels.penalty}
            </th>
            <th align="right" style={headerCell}>
              {labels.indemnity}
            </th>
          </tr>
        </thead>
        <tbody>
          {statement.penaltyLines.map((line) => (
            <tr key={line.invoiceNumber}>
              <td style={cell}>{line.invoiceNumber}</td>
              <td align="right" style={cell}>
                {line.penalty}
              </td>
              <td align="right" style={cell}>
                {line.indemnity}
              </td>
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
