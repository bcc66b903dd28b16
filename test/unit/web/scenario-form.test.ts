import { describe, expect, it } from 'vitest';

import type { Session } from '../../../api/services/users.js';
import { scenarioSchema } from '../../../domain/scenario.js';
import { scenarioForm, scenarioFromForm, valuesOf } from '../../../web/backoffice/scenario-form.js';

const session: Session = {
  id: 'session-1',
  csrfToken: 'csrf-1',
  expiresAt: new Date('2026-12-04T12:00:00Z'),
  user: { id: 'user-1', email: 'collector@example.org', name: null, role: 'admin', language: 'en' },
};

const demo = scenarioSchema.parse({
  id: 'demo',
  version: 1,
  name: { fr: 'Démo', en: 'Demo' },
  mode: 'demo',
  calendar: { businessDaysOnly: false, holidays: 'none', sendWindow: { start: '00:00', end: '23:59' }, nonBusinessDayRule: 'next_business_day' },
  steps: [
    { key: 'r1', offsetMinutes: 0, channel: 'email', templateKey: 'reminder', tone: 'friendly' },
    { key: 'r2', offsetMinutes: 600, channel: 'email', templateKey: 'reminder', tone: 'firm' },
  ],
});

const production = scenarioSchema.parse({
  ...demo,
  id: 'standard',
  mode: 'production',
  steps: [{ key: 'r1', offsetDays: 5, channel: 'email', templateKey: 'reminder', tone: 'friendly' }],
});

describe('scenario editor form', () => {
  it('keeps a demo scenario in minutes', () => {
    const fields = { ...valuesOf(demo), s1_offsetMinutes: '90' };

    const { input } = scenarioFromForm(demo, fields);
    const saved = scenarioSchema.parse(input);

    expect(saved.mode).toBe('demo');
    expect(saved.steps.map((step) => step.offsetMinutes)).toEqual([0, 90]);
    expect(saved.steps.every((step) => step.offsetDays === undefined)).toBe(true);
  });

  it('keeps a production scenario in days', () => {
    const fields = { ...valuesOf(production), s0_offsetDays: '7' };

    const saved = scenarioSchema.parse(scenarioFromForm(production, fields).input);

    expect(saved.mode).toBe('production');
    expect(saved.steps[0]?.offsetDays).toBe(7);
    expect(saved.steps[0]?.offsetMinutes).toBeUndefined();
  });

  it('shows a minutes column for demos', () => {
    const html = scenarioForm(demo, valuesOf(demo), demo.steps.length + 1, new Map(), session, 'en');

    expect(html).toContain('id="s1_offsetMinutes" name="s1_offsetMinutes" value="600"');
    expect(html).not.toContain('s1_offsetDays');
    expect(html).toContain('Offset (minutes from the case start, demo)');
  });

  it('shows a days column otherwise', () => {
    const html = scenarioForm(production, valuesOf(production), 2, new Map(), session, 'fr');

    expect(html).toContain('id="s0_offsetDays" name="s0_offsetDays" value="5"');
    expect(html).not.toContain('offsetMinutes');
  });
});
