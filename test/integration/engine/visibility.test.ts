import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { updateCase } from '../../../api/services/cases.js';
import { createEngine, demoScenario, waitFor, type Engine } from '../../support/engine.js';

// Operators filter cases in the Temporal UI with the custom search attributes. These tests
// run the same list queries against the CLI dev server.

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine();
  await engine.scenario(demoScenario('demo-visibility'));
  await engine.customer({ externalRef: 'RHO', name: 'Rho SARL', scenarioId: 'demo-visibility', contacts: [{ role: 'invoicing', email: 'ap@rho.example' }] });
});

afterAll(async () => {
  await engine.close();
});

async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of engine.env.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

describe('case search attributes', () => {
  test('filters cases by status and invoice', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { id } = await engine.invoice({ customerRef: 'RHO', number: 'INV-V1', currency: 'EUR', totalMinor: 12_345, issueDate: today, dueDate: today });
    const workflowId = `dunning-case-${id}`;

    await engine.run(async () => {
      await engine.startCase(id);
      await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), 'R1', 60_000);
      await waitFor(async () => ((await listed(`InvoiceNumber = "INV-V1" AND DunningStatus = "active" AND DunningStage = "r1"`)).includes(workflowId) ? true : undefined), 'the active case in the list');
      expect(await listed(`AmountDue = 12345 AND Currency = "EUR"`)).toContain(workflowId);

      const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      await updateCase(engine.db.sql, engine.temporal, id, 'promiseToPay', { promisedDate: tomorrow, amountMinor: 12_345, source: 'api' });
      await waitFor(async () => ((await listed(`DunningStatus = "promised"`)).includes(workflowId) ? true : undefined), 'the promised case in the list');
      expect(await listed(`DunningStatus = "active" AND InvoiceNumber = "INV-V1"`)).not.toContain(workflowId);
    });
  });
});
