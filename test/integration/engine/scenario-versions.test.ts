import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateRunningCases } from '../../../api/services/scenario-migration.js';
import { findScenario } from '../../../api/services/scenarios.js';
import { recordHistory } from '../../support/histories.js';
import { caseEventsOf, createEngine, emailsOf, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// A running case keeps the scenario version it started with until someone migrates it,
// and a long case continues as new without losing its state.

let engine: Engine;

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-03-03T08:00:00Z' });
  await engine.scenario(PLAN_P1);
  await engine.customer({ externalRef: 'OMEGA', name: 'Omega SAS', scenarioId: 'p1', contacts: [{ role: 'invoicing', email: 'ap@omega.example' }] });
});

afterEach(async () => {
  await engine.close();
});

const invoice = { customerRef: 'OMEGA', number: 'INV-30001', currency: 'EUR', totalMinor: 80_000, issueDate: '2025-02-03', dueDate: '2025-03-03' };

describe('scenario versions', () => {
  test('new version waits for an explicit migration', async () => {
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      await engine.startCase(id);
      await engine.sleepUntil('2025-03-09T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), 'R1');

      // Version 2 sends R2 at J+10 instead of J+15.
      await engine.scenario({ ...PLAN_P1, version: 2, steps: PLAN_P1.steps.map((step) => (step.key === 'r2' ? { ...step, offsetDays: 10 } : step)) });
      expect((await findScenario(engine.db.sql, 'p1'))?.version).toBe(2);
      expect((await engine.state(id)).nextStep?.scheduledAt).toBe('2025-03-18T08:00:00.000Z');

      const dryRun = await migrateRunningCases(engine.db.sql, engine.temporal, { scenarioId: 'p1', author: 'credit.manager', dryRun: true });
      expect(dryRun.cases).toEqual([{ invoiceId: id, workflowId: `dunning-case-${id}`, fromVersion: 1, result: 'would_migrate' }]);
      expect((await engine.state(id)).scenario).toEqual({ id: 'p1', version: 1 });

      const report = await migrateRunningCases(engine.db.sql, engine.temporal, { scenarioId: 'p1', author: 'credit.manager', dryRun: false });
      expect(report.cases.map((entry) => entry.result)).toEqual(['migrated']);
      const migrated = await engine.state(id);
      expect(migrated.scenario).toEqual({ id: 'p1', version: 2 });
      expect(migrated.nextStep?.scheduledAt).toBe('2025-03-13T08:00:00.000Z');
      expect(migrated.steps.map((step) => step.stepKey)).toEqual(['r1']);

      await recordHistory('plan-p1-scenario-migrated', engine.env.client.workflow.getHandle(`dunning-case-${id}`));
      const again = await migrateRunningCases(engine.db.sql, engine.temporal, { scenarioId: 'p1', author: 'credit.manager', dryRun: false });
      expect(again.cases).toEqual([]);
    });

    expect((await caseEventsOf(engine.db, id)).map((event) => event.type)).toContain('scenario_migrated');
  });

  test('long case continues as new intact', async () => {
    const { id } = await engine.invoice(invoice);
    const [row] = await engine.db.sql<{ customer_id: string }[]>`select customer_id from invoices where id = ${id}`;
    const scenario = await findScenario(engine.db.sql, 'p1');

    await engine.run(async () => {
      const handle = await engine.env.client.workflow.start('dunningCase', {
        workflowId: `dunning-case-${id}`,
        taskQueue: engine.temporal.taskQueue,
        args: [{ invoiceId: id, customerId: row?.customer_id, invoiceNumber: 'INV-30001', currency: 'EUR', scenario, historyEventsBeforeContinue: 40 }],
      });
      await engine.db.sql`
        insert into cases (workflow_id, invoice_id, customer_id, scenario_id, scenario_version, status, currency)
        values (${handle.workflowId}, ${id}, ${row?.customer_id ?? ''}, 'p1', 1, 'active', 'EUR')`;

      await engine.sleepUntil('2025-03-20T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 2 ? true : undefined), 'R1 and R2');
      const promised = await engine.env.client.workflow.getHandle(handle.workflowId).executeUpdate('promiseToPay', {
        args: [{ promisedDate: '2025-04-20', amountMinor: 80_000, source: 'api' }],
      });
      expect(promised).toMatchObject({ status: 'promised' });

      expect(await engine.env.client.workflow.getHandle(handle.workflowId).result()).toEqual({ terminalState: 'handed_over' });
      const { runId } = await engine.env.client.workflow.getHandle(handle.workflowId).describe();
      expect(runId).not.toBe(handle.firstExecutionRunId);
      await recordHistory('plan-p1-continued-as-new-last-run', engine.env.client.workflow.getHandle(handle.workflowId));
    });

    const events = (await caseEventsOf(engine.db, id)).map((event) => event.type);
    expect(events.filter((type) => type === 'case_started')).toHaveLength(1);
    expect(events.filter((type) => type === 'promise_made')).toHaveLength(1);
    expect(events.filter((type) => type === 'promise_broken')).toHaveLength(1);
    expect(events.filter((type) => type === 'case_ended')).toHaveLength(1);
    expect((await emailsOf(engine.db, 'OMEGA')).map((email) => email.lines[0]?.stepKey)).toEqual(['r1', 'r2']);
  });
});
