import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { disputeReasonSchema } from '../../domain/case.js';
import { calendarDateSchema } from '../../domain/dates.js';
import { readAccount, type AccountInvoice } from './account.js';
import { applyDispute, reportPayment } from './answers.js';
import { checkFiles, readMultipartForm, storeAttachments, type MultipartForm } from './attachments.js';
import { pathOf, sendPage, type PortalContext, type PortalDeps } from './context.js';
import { createForm, ensureCsrfCookie, type FormProtection } from './forms.js';
import { portalMessages, type PortalMessages } from './messages.js';
import { parseAmount, sendForbidden, submitOnce } from './submission.js';
import { alreadyPaidBody, disputeBody, EMPTY_REPORT_VALUES, type ReportFormValues } from './views/report.js';

// The dispute and "already paid" pages. A dispute goes to the invoice's case as an
// openDispute update; a reported payment opens a check_payment task for a person and
// leaves the case running until the payment shows in the ledger.

type ReportKind = 'dispute' | 'already_paid';

const reportFieldsSchema = z.object({
  form: z.string().min(1).max(100),
  csrf: z.string().min(1).max(200),
  invoice: z.string().max(64).default(''),
  reason: z.string().max(40).default(''),
  comment: z.string().default(''),
  paidOn: z.string().max(20).default(''),
  amount: z.string().max(40).default(''),
});

/** Invoices a customer can dispute or report as paid: every open one. */
function reportable(invoices: AccountInvoice[]): AccountInvoice[] {
  return invoices.filter((invoice) => !invoice.caseEnded);
}

async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PortalDeps,
  context: PortalContext,
  kind: ReportKind,
  state: { status: number; values: ReportFormValues; errors: Record<string, string>; protection?: FormProtection },
) {
  const account = await readAccount(deps.sql, context.customer, new Date());
  const cookie = ensureCsrfCookie(request, reply, deps.secureCookies);
  const protection = state.protection ?? (await createForm(deps.sql, context.customer.id, kind, cookie, deps.secrets));
  const options = {
    invoices: reportable(account.open),
    action: `${context.basePath}/${kind === 'dispute' ? 'dispute' : 'paid'}`,
    protection,
    values: state.values,
    errors: state.errors,
    language: context.language,
  };
  const messages = portalMessages(context.language);
  const body = kind === 'dispute' ? disputeBody(options) : alreadyPaidBody({ ...options, today: account.asOfDate });
  const title = kind === 'dispute' ? messages.dispute.title : messages.alreadyPaid.title;
  const section = kind === 'dispute' ? 'dispute' : 'paid';
  return sendPage(reply, deps, state.status, { language: context.language, title, basePath: context.basePath, currentPath: pathOf(request), section }, body);
}

export async function showReportForm(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext, kind: ReportKind) {
  return render(request, reply, deps, context, kind, { status: 200, values: EMPTY_REPORT_VALUES, errors: {} });
}

function fileErrors(form: MultipartForm, messages: PortalMessages): Record<string, string> {
  if (form.tooManyFiles) return { files: messages.errors.tooManyFiles };
  const problem = checkFiles(form.files);
  if (!problem) return {};
  return { files: problem.kind === 'too_large' ? messages.errors.fileTooLarge(problem.name) : messages.errors.fileType(problem.name) };
}

export async function submitReport(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext, kind: ReportKind) {
  const messages = portalMessages(context.language);
  if (!request.isMultipart()) return sendForbidden(request, reply, deps, context);
  const form = await readMultipartForm(request);
  const parsed = reportFieldsSchema.safeParse(form.fields);
  if (!parsed.success) return sendForbidden(request, reply, deps, context);
  const fields = parsed.data;
  const values: ReportFormValues = { invoiceId: fields.invoice, reason: fields.reason, comment: fields.comment.slice(0, 2000), paidOn: fields.paidOn, amount: fields.amount };

  const account = await readAccount(deps.sql, context.customer, new Date());
  // A foreign or unknown invoice id reads like no choice at all.
  const invoice = reportable(account.open).find((candidate) => candidate.id === fields.invoice);
  const errors: Record<string, string> = { ...fileErrors(form, messages) };
  if (!invoice) errors.invoice = messages.errors.chooseInvoice;

  const parsedReason = disputeReasonSchema.safeParse(fields.reason);
  const reason = parsedReason.success ? parsedReason.data : null;
  let amountMinor: number | null = null;
  if (kind === 'dispute') {
    if (!reason) errors.reason = messages.errors.chooseReason;
    if (fields.comment.trim().length > 2000) errors.comment = messages.errors.commentTooLong;
  } else {
    if (!calendarDateSchema.safeParse(fields.paidOn).success) errors.paidOn = fields.paidOn === '' ? messages.errors.required : messages.errors.invalidDate;
    else if (fields.paidOn > account.asOfDate) errors.paidOn = messages.errors.dateRange('2000-01-01', account.asOfDate);
    amountMinor = invoice ? parseAmount(fields.amount, invoice.currency, context.language) : null;
    if (amountMinor === null || amountMinor <= 0) errors.amount = messages.errors.invalidAmount;
  }

  return submitOnce(request, reply, deps, context, {
    purpose: kind,
    formId: fields.form,
    csrf: fields.csrf,
    errors,
    rerender: (state) => render(request, reply, deps, context, kind, { ...state, values }),
    act: async (formId) => {
      const target = invoice!;
      const attachmentIds = await storeAttachments(
        deps.sql,
        deps.env.DATA_DIR,
        { formId, customerId: context.customer.id, invoiceId: target.id, purpose: kind === 'dispute' ? 'dispute' : 'payment_proof' },
        form.files,
      );
      const result = kind === 'dispute'
        ? await applyDispute(deps, formId, target, { reason: reason!, comment: fields.comment.trim() || undefined, attachmentIds })
        : await reportPayment(deps, formId, target, { paidOn: fields.paidOn, amountMinor: amountMinor!, attachmentIds });
      request.log.info({ customerId: context.customer.id, invoiceId: target.id, result: result.result, attachments: attachmentIds.length }, `${kind === 'dispute' ? 'dispute' : 'payment report'} received from the portal`);
      return { kind, invoices: [{ number: result.number, result: result.result, status: result.status }] };
    },
  });
}
