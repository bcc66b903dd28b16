import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createEngine, PLAN_P1, waitFor, type Engine } from '../../support/engine.js';

// An e-mail step whose scenario names a fallback channel goes out as a letter when no
// address can take it, or when the e-mail bounces after it was sent.

let engine: Engine;

const scenario = { ...PLAN_P1, id: 'p1-fallback', steps: PLAN_P1.steps.map((step) => (step.key === 'r1' ? { ...step, fallbackChannel: 'letter' as const } : step)) };
const invoice = { customerRef: 'SIGMA', number: 'INV-40001', currency: 'EUR', totalMinor: 64_000, issueDate: '2025-05-19', dueDate: '2025-06-18' };

beforeEach(async () => {
  engine = await createEngine({ startTime: '2025-06-18T08:00:00Z' });
  await engine.scenario(scenario);
});

afterEach(async () => {
  await engine.close();
});

async function letters(invoiceId: string) {
  return engine.db.sql<{ kind: string; status: string }[]>`select kind, status from letters where invoice_id = ${invoiceId}`;
}

describe('e-mail fallback to a letter', () => {
  test('no usable address sends a letter', async () => {
    await engine.customer({ externalRef: 'SIGMA', name: 'Sigma SARL', siren: '732829320', address: '3 quai des Chartrons, 33000 Bordeaux', scenarioId: 'p1-fallback', contacts: [{ role: 'main', phone: '+33 5 56 00 00 00' }] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T08:00:00Z');
      const state = await waitFor(async () => {
        const current = await engine.state(id);
        return current.steps.length === 2 ? current : undefined;
      }, 'R1 and its letter');
      expect(state.steps.map((step) => [step.stepKey, step.channel, step.outcome])).toEqual([
        ['r1', 'email', 'not_deliverable'],
        ['r1', 'letter', 'task_opened'],
      ]);
      expect(state.nextStep?.stepKey).toBe('r2');
    });

    expect(await letters(id)).toEqual([{ kind: 'reminder_letter', status: 'queued' }]);
  });

  test('a bounce after sending sends a letter once', async () => {
    await engine.customer({ externalRef: 'SIGMA', name: 'Sigma SARL', siren: '732829320', address: '3 quai des Chartrons, 33000 Bordeaux', scenarioId: 'p1-fallback', contacts: [{ role: 'invoicing', email: 'ap@sigma.example' }] });
    const { id } = await engine.invoice(invoice);

    await engine.run(async () => {
      const handle = await engine.startCase(id);
      await engine.sleepUntil('2025-06-23T08:00:00Z');
      await waitFor(async () => ((await engine.state(id)).steps.length === 1 ? true : undefined), 'R1');

      await handle.signal('emailBounced', { stepKey: 'r1', kind: 'bounced' });
      await handle.signal('emailBounced', { stepKey: 'r1', kind: 'bounced' });
      await waitFor(async () => ((await engine.state(id)).steps.length === 2 ? true : undefined), 'the fallback letter');
      expect((await engine.state(id)).steps.map((step) => step.channel)).toEqual(['email', 'letter']);
    });

    expect(await letters(id)).toEqual([{ kind: 'reminder_letter', status: 'queued' }]);
  });
});
