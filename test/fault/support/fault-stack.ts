// What a fault test runs against: a Temporal dev server and worker processes it may kill,
// a database, and the fake Resend behind a proxy. Seeds customers, invoices and cases
// through the API's own services, and reads back every action the cases took.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Client, Connection } from '@temporalio/client';

import { customerInputSchema, invoiceInputSchema, paymentInputSchema } from '../../../api/schemas.js';
import { startCaseForInvoice } from '../../../api/services/cases.js';
import { insertInvoice, recordPayment, upsertCustomer, type CustomerRow } from '../../../api/services/ledger.js';
import { saveScenario } from '../../../api/services/scenarios.js';
import type { TemporalHandle } from '../../../api/temporal.js';
import { connect, type Sql } from '../../../db/client.js';
import type { CaseState } from '../../../domain/case.js';
import { dunningCaseWorkflowId } from '../../../domain/ids.js';
import type { ScenarioInput } from '../../../domain/scenario.js';
import { FakeResend } from '../../support/fake-resend.js';
import { createTestDatabase } from '../../support/postgres.js';
import { ProviderProxy } from './provider-proxy.js';
import { freePort, startTemporalServer, startWorkerProcess, stopAll, type ManagedProcess } from './processes.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** Polls `probe` every 200 ms until it returns a value other than undefined. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `condition` every 50 ms until it returns true. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface FaultStackOptions {
  /** Database URL of a server the test stops and starts itself; a database of the tests' shared server otherwise. */
  databaseUrl?: string;
}

export class FaultStack {
  worker: ManagedProcess | null = null;
  temporalServer: ManagedProcess;
  private readonly dropDatabase: (() => Promise<void>) | null;

  private constructor(
    readonly directory: string,
    readonly temporalPort: number,
    readonly sql: Sql,
    readonly databaseUrl: string,
    readonly temporal: TemporalHandle,
    readonly fake: FakeResend,
    readonly proxy: ProviderProxy,
    temporalServer: ManagedProcess,
    dropDatabase: (() => Promise<void>) | null,
  ) {
    this.temporalServer = temporalServer;
    this.dropDatabase = dropDatabase;
  }

  /** Starts a dev server whose history lives in a temporary folder, the fake provider and its proxy, and connects to a database. */
  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'relance-fault-'));
    // An embedded PostgreSQL started as root runs as the `postgres` user, which needs to enter the folder.
    await chmod(directory, 0o755);
    const temporalPort = await freePort();
    const temporalServer = await startTemporalServer({ port: temporalPort, dbFilename: path.join(directory, 'temporal.db') });

    const database = options.databaseUrl
      ? { url: options.databaseUrl, sql: connect(options.databaseUrl, { max: 4 }), drop: null }
      : await createTestDatabase();
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    const client = new Client({ connection });
    // The dev server opens its port before its namespace is ready.
    await waitFor(async () => (await client.workflow.count()) && true, 'the Temporal namespace', 60_000);
    const temporal: TemporalHandle = { client, connection, taskQueue: `fault-${randomUUID()}`, close: () => connection.close() };

    const fake = await FakeResend.start();
    const proxy = await ProviderProxy.start(fake.url);
    return new FaultStack(directory, temporalPort, database.sql, database.url, temporal, fake, proxy, temporalServer, database.drop);
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  /** Starts a worker process on this stack's task queue, sending e-mails through the proxy. */
  async startWorker(): Promise<ManagedProcess> {
    this.worker = await startWorkerProcess({
      databaseUrl: this.databaseUrl,
      temporalAddress: this.temporalAddress,
      taskQueue: this.temporal.taskQueue,
      resendBaseUrl: this.proxy.url,
    });
    return this.worker;
  }

  /** Kills the worker process with SIGKILL: no shutdown, no last report to Temporal. */
  async killWorker(): Promise<void> {
    await this.worker?.stop('SIGKILL');
  }

  /** Stops the dev server with SIGTERM, as a host shutdown would. */
  async stopTemporalServer(): Promise<void> {
    await this.temporalServer.stop('SIGTERM');
  }

  /** Starts the dev server again on the same port with the same history file. */
  async restartTemporalServer(): Promise<void> {
    this.temporalServer = await startTemporalServer({ port: this.temporalPort, dbFilename: path.join(this.directory, 'temporal.db') });
  }

  async scenario(input: ScenarioInput): Promise<void> {
    await saveScenario(this.sql, input);
  }

  async customer(input: Record<string, unknown>): Promise<CustomerRow> {
    return (await upsertCustomer(this.sql, customerInputSchema.parse(input))).customer;
  }

  async invoice(customer: CustomerRow, input: Record<string, unknown>): Promise<{ id: string }> {
    return (await insertInvoice(this.sql, customer, invoiceInputSchema.parse({ startCase: false, customerRef: customer.external_ref, ...input }))).invoice;
  }

  /**
   * Seeds the cases of the restart tests: SOLO, whose reminders go alone, with one
   * invoice, and GROUP, whose two invoices share one e-mail. Returns the invoice ids.
   */
  async soloAndGroupedInvoices(scenarioId: string, overdue: Record<string, unknown>, prefix: string): Promise<string[]> {
    const single = await this.customer({
      externalRef: 'SOLO', name: 'Solo SAS', scenarioId, groupReminders: false,
      contacts: [{ role: 'invoicing', email: 'ap@solo.example' }],
    });
    const grouped = await this.customer({
      externalRef: 'GROUP', name: 'Group SAS', scenarioId,
      contacts: [{ role: 'invoicing', email: 'ap@group.example' }],
    });
    return [
      (await this.invoice(single, { number: `INV-${prefix}1`, ...overdue })).id,
      (await this.invoice(grouped, { number: `INV-${prefix}2`, ...overdue })).id,
      (await this.invoice(grouped, { number: `INV-${prefix}3`, ...overdue })).id,
    ];
  }

  async startCase(invoiceId: string): Promise<void> {
    await startCaseForInvoice(this.sql, this.temporal, invoiceId);
  }

  async pay(input: Record<string, unknown>): Promise<void> {
    await recordPayment(this.sql, this.temporal, silent, paymentInputSchema.parse(input));
  }

  async state(invoiceId: string): Promise<CaseState> {
    return this.temporal.client.workflow.getHandle(dunningCaseWorkflowId(invoiceId)).query<CaseState>('caseState');
  }

  /** Waits until every case has done `count` steps, and returns their states. */
  async waitForSteps(invoiceIds: string[], count: number, timeoutMs: number): Promise<CaseState[]> {
    return waitFor(
      async () => {
        const states = await Promise.all(invoiceIds.map((id) => this.state(id)));
        return states.every((state) => state.steps.length >= count) ? states : undefined;
      },
      `${invoiceIds.length} case(s) to do ${count} step(s)`,
      timeoutMs,
    );
  }

  /** Waits until every case has ended, and returns their terminal states. */
  async waitForEnd(invoiceIds: string[], timeoutMs = 60_000): Promise<unknown[]> {
    return Promise.all(
      invoiceIds.map((id) =>
        waitFor(async () => {
          const description = await this.temporal.client.workflow.getHandle(dunningCaseWorkflowId(id)).describe();
          return description.status.name === 'RUNNING' ? undefined : this.temporal.client.workflow.getHandle(dunningCaseWorkflowId(id)).result();
        }, `case of invoice ${id} to end`, timeoutMs),
      ),
    );
  }

  /** Stops every process and server of the stack, even after a failed test. */
  async stop(): Promise<void> {
    await stopAll();
    await this.temporal.close().catch(() => {});
    await this.proxy.close().catch(() => {});
    await this.fake.close().catch(() => {});
    if (this.dropDatabase) await this.dropDatabase().catch(() => {});
    else await this.sql.end({ timeout: 5 }).catch(() => {});
    await rm(this.directory, { recursive: true, force: true });
  }
}
