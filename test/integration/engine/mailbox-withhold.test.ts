import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { updateCase } from '../../../api/services/cases.js';
import { createEngine, demoScenario, emailsOf, waitFor, type Engine } from '../../support/engine.js';

// A customer promises to pay while the mailbox is still gathering the day's reminders:
// the reminder for that invoice must not go out. Runs in real time on the dev server.

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine();
  await engine.scenario(demoScenario('demo-withhold'));
  await engine.customer({ externalRef: 'KAPPA', name: 'Kappa SAS', scenarioId: 'demo-withhold', contacts: [{ role: 'invoicing', email: 'ap@kappa.example' }] });
});

afterAll(async () => {
  await engine.close();
});

describe('mailbox and promises', () => {
  test('promise during gathering withholds the reminder', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { id } = await engine.invoice({ customerRef: 'KAPPA', number: 'INV-W1', currency: 'EUR', totalMinor: 50_000, issueDate: today, dueDate: today });
    const inFiveDays = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

    await engine.run(async () => {
      await engine.startCase(id);
      // The case hands R1 to the mailbox at once; the mailbox waits 10 s before sending.
      await waitFor(async () => ((await engine.state(id)).nextStep?.stepKey === 'r1' ? true : undefined), 'R1 to be planned');
      const promised = await updateCase(engine.db.sql, engine.temporal, id, 'promiseToPay', { promisedDate: inFiveDays, amountMinor: 50_000, source: 'portal' });
      expect(promised.status).toBe('promised');

      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect((await engine.state(id)).steps).toEqual([]);
    });

    expect(await emailsOf(engine.db, 'KAPPA')).toHaveLength(0);
  }, 90_000);
});
