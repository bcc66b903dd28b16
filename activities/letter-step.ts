import { ApplicationFailure } from '@temporalio/activity';
import { loadLatePaymentRateTable } from '../config/rates/late-payment-rates.js';
import { addDays, localDateOf } from '../domain/dates.js';
import type { LatePaymentRateTable } from '../domain/rates.js';
import { InvalidDocumentPropsError } from '../emails/rendered-email.js';
import { renderFormalNoticePdf } from '../letters/formal-notice.js';
import { renderReminderLetterPdf } from '../letters/reminder-letter.js';
import type { RenderedLetter } from '../letters/schema.js';
import { signPortalToken } from '../web/portal/token.js';
import { recordCarbonLine } from './carbon.js';
import { insertTask } from './case-records.js';
import type { ActivityDeps } from './deps.js';
import { readLetterClaim } from './letter-claim.js';
import { LocalPrintQueue, type PostalProvider } from './postal.js';
import type { PerformStepInput, StepOutcome } from './types.js';

/** Days the formal notice leaves the debtor to pay; eight days after the letter is usual. */
const FORMAL_NOTICE_DEADLINE_DAYS = 8;

const SIGNATORY = { fr: 'Service recouvrement', en: 'Credit control department' } as const;

export interface LetterStepDeps extends ActivityDeps {
  /** Where letters go after the print queue; the local print queue when unset. */
  postal?: PostalProvider;
}

interface CustomerRow {
  name: string;
  is_business: boolean;
  siren: string | null;
  vat_number: string | null;
  address: string | null;
  language: 'fr' | 'en';
  time_zone: string;
  portal_link_version: number;
}

let shippedRateTable: LatePaymentRateTable | undefined;

/**
 * Performs a 'letter' or 'registered_letter' step once: renders the reminder letter or
 * the formal notice in the customer's language, stores the PDF in the print queue and
 * hands it to the postal provider, and records the carbon line of its sheets. A letter
 * already stored under the step's idempotency key is returned as it is.
 */
export async function performLetterStep(deps: LetterStepDeps, input: PerformStepInput): Promise<StepOutcome> {
  const { sql, logger } = deps;
  const ids = { workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key };
  if (input.step.channel !== 'letter' && input.step.channel !== 'registered_letter') {
    throw ApplicationFailure.nonRetryable(`step ${input.step.key} has channel ${input.step.channel}: only letter and registered_letter steps are printed`, 'InvalidStepInput');
  }
  const registered = input.step.channel === 'registered_letter';

  const [existing] = await sql<{ id: string; status: string; pages: number }[]>`
    select id, status, pages from letters where idempotency_key = ${input.idempotencyKey}`;
  if (existing) {
    logger.info({ ...ids, letterId: existing.id }, 'letter already queued for this step; not printing again');
    // A worker that died after storing the letter may not have written its carbon line. The line is keyed by the step, so this adds it at most once.
    await recordCarbonLine(sql, {
      idempotencyKey: input.idempotencyKey,
      workflowId: input.workflowId,
      customerId: input.customerId,
      messageId: null,
      channel: input.step.channel,
      measure: { sheets: existing.pages },
    });
    // TODO: a stored letter that an online postal provider never received stays queued. Dispatch it again here once such a provider exists.
    return outcomeOf(deps, input, existing.id, existing.status);
  }

  const [customer] = await sql<CustomerRow[]>`
    select name, is_business, siren, vat_number, address, language, time_zone, portal_link_version from customers where id = ${input.customerId}`;
  const [invoice] = await sql<{ number: string; issue_date: string; due_date: string }[]>`
    select number, to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date
    from invoices where id = ${input.invoiceId}`;
  if (!customer || !invoice) throw ApplicationFailure.nonRetryable(`invoice ${input.invoiceId} or its customer is missing`, 'InvalidStepInput');

  const addressLines = postalAddressLines(customer.address);
  if (addressLines.length === 0) return recordNotDeliverable(deps, input, 'the customer has no postal address');

  const letterDate = localDateOf(input.actedAt, customer.time_zone);
  const claimsPenalties = customer.is_business && (registered || input.step.claimsPenalties);
  const claim = claimsPenalties
    ? await readLetterClaim(sql, logger, { invoiceId: input.invoiceId, letterDate, isBusiness: true, rateTable: rateTableOf(deps) })
    : null;

  const { balance } = input;
  const expiresAt = new Date(Date.parse(input.actedAt) + deps.portal.linkTtlDays * 86_400_000);
  const token = signPortalToken({ customerId: input.customerId, linkVersion: customer.portal_link_version, expiresAt }, deps.portal.secrets);
  const props = {
    language: customer.language,
    creditor: { name: deps.company.name, siren: deps.company.siren, addressLines: postalAddressLines(deps.company.address), email: deps.company.senderEmail },
    debtor: {
      name: customer.name,
      isBusiness: customer.is_business,
      siren: customer.siren ?? undefined,
      vatNumber: customer.vat_number ?? undefined,
      addressLines,
    },
    place: placeOf(deps.company.address),
    letterDate,
    invoices: [
      {
        number: invoice.number,
        issueDate: invoice.issue_date,
        dueDate: invoice.due_date,
        currency: balance.currency,
        originalMinor: balance.originalMinor,
        paidMinor: balance.originalMinor - balance.dueMinor,
        dueMinor: balance.dueMinor,
      },
    ],
    penalties: claim ? [{ invoiceNumber: invoice.number, currency: balance.currency, penaltyMinor: claim.penaltyMinor, indemnityMinor: claim.indemnityMinor }] : undefined,
    penaltyRatePercent: claim?.ratePercent,
    portalUrl: `${deps.portal.baseUrl}/${token}`,
    signatory: { name: SIGNATORY[customer.language] },
  };

  let rendered: RenderedLetter;
  try {
    rendered = registered
      ? await renderFormalNoticePdf({ ...props, paymentDeadline: addDays(letterDate, FORMAL_NOTICE_DEADLINE_DAYS) })
      : await renderReminderLetterPdf(props);
  } catch (error) {
    // Missing identities (a business debtor without SIREN or VAT number) need a person, not a retry.
    if (error instanceof InvalidDocumentPropsError) return recordNotDeliverable(deps, input, error.message);
    throw error;
  }

  const postal = deps.postal ?? new LocalPrintQueue();
  const kind = registered ? 'formal_notice' : 'reminder_letter';
  const [stored] = await sql<{ id: string; status: string }[]>`
    insert into letters (idempotency_key, workflow_id, invoice_id, customer_id, kind, language, pdf, pages, provider)
    values (${input.idempotencyKey}, ${input.workflowId}, ${input.invoiceId}, ${input.customerId}, ${kind}, ${customer.language},
            ${rendered.pdf}, ${rendered.pages}, ${postal.name})
    on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
    returning id, status`;
  if (!stored) throw new Error(`letter ${input.idempotencyKey} could not be stored`);

  const dispatch = await postal.dispatch({
    id: stored.id,
    idempotencyKey: input.idempotencyKey,
    kind,
    language: customer.language,
    pdf: rendered.pdf,
    pages: rendered.pages,
    registered,
  });
  if (dispatch.status === 'dispatched') {
    await sql`
      update letters set status = 'dispatched', provider = ${dispatch.provider}, tracking_ref = ${dispatch.trackingRef ?? null},
        dispatched_at = ${dispatch.dispatchedAt ?? input.actedAt}, updated_at = now()
      where id = ${stored.id} and status = 'queued'`;
  }

  await recordCarbonLine(sql, {
    idempotencyKey: input.idempotencyKey,
    workflowId: input.workflowId,
    customerId: input.customerId,
    messageId: null,
    channel: input.step.channel,
    measure: { sheets: rendered.pages },
  });
  logger.info({ ...ids, letterId: stored.id, kind, pages: rendered.pages, provider: dispatch.provider, status: dispatch.status }, 'letter rendered for the print queue');
  return outcomeOf(deps, input, stored.id, dispatch.status);
}

/** A letter in the post is sent; a queued one opens a task for the person who prints and posts it. */
async function outcomeOf(deps: LetterStepDeps, input: PerformStepInput, letterId: string, status: string): Promise<StepOutcome> {
  if (status !== 'queued') return { outcome: 'sent', detail: `letter ${letterId} ${status}` };

  const { taskId } = await insertTask(deps.sql, {
    idempotencyKey: input.idempotencyKey,
    kind: 'letter',
    workflowId: input.workflowId,
    invoiceId: input.invoiceId,
    customerId: input.customerId,
    stepKey: input.step.key,
    dueAt: input.actedAt,
    data: { channel: input.step.channel, letterId, dueMinor: input.balance.dueMinor, currency: input.balance.currency },
  });
  return { outcome: 'task_opened', taskId, detail: `letter ${letterId} queued for printing` };
}

/** Records a letter that cannot be printed and opens a task for a person; the scenario goes on. */
async function recordNotDeliverable(deps: LetterStepDeps, input: PerformStepInput, reason: string): Promise<StepOutcome> {
  const { taskId } = await insertTask(deps.sql, {
    idempotencyKey: `${input.idempotencyKey}/not-deliverable`,
    kind: 'not_deliverable',
    workflowId: input.workflowId,
    invoiceId: input.invoiceId,
    customerId: input.customerId,
    stepKey: input.step.key,
    dueAt: input.actedAt,
    data: { channel: input.step.channel, reason },
  });
  deps.logger.warn({ workflowId: input.workflowId, invoiceId: input.invoiceId, customerId: input.customerId, stepKey: input.step.key, taskId }, 'letter not deliverable; task opened for a collector');
  return { outcome: 'not_deliverable', taskId, detail: reason };
}

/** Splits a stored postal address into the lines printed on the envelope window: by line, else by comma. */
export function postalAddressLines(address: string | null): string[] {
  if (!address) return [];
  const separator = address.includes('\n') ? '\n' : ',';
  return address
    .split(separator)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, 6);
}

/** The town printed before the letter date: the address line after the postcode, else the last line. */
function placeOf(address: string): string {
  const lines = postalAddressLines(address);
  const postcodeLine = lines.find((line) => /^\d{4,5}\s+\S/.test(line));
  const place = postcodeLine ? postcodeLine.replace(/^\d{4,5}\s+/, '') : (lines.at(-1) ?? address);
  return place.slice(0, 80);
}

function rateTableOf(deps: LetterStepDeps): LatePaymentRateTable {
  if (deps.rateTable) return deps.rateTable;
  shippedRateTable ??= loadLatePaymentRateTable();
  return shippedRateTable;
}
