import { channelSchema, toneSchema, type Scenario } from '../../domain/scenario.js';
import type { Session } from '../../api/services/users.js';
import { csrfField, h, messagesOf, type BackofficeLanguage } from './layout.js';

// The scenario editor: one table row per step plus an empty row to add one, the calendar
// and the promise settings. A submitted form becomes a scenario object for saveScenario,
// and zod's issue paths map back to the field that caused them.

/** Field errors keyed by the form field name, for example "s2_offsetDays". */
export type FieldErrors = Map<string, string[]>;

const STEP_FIELDS = ['key', 'offsetDays', 'offsetMinutes', 'channel', 'templateKey', 'tone', 'minBalanceMinor', 'businessOnly', 'requiresConfirmation'] as const;

/** Names the offset field of a scenario's steps: demo scenarios count in minutes, production ones in days. */
export function offsetFieldOf(mode: Scenario['mode']): 'offsetDays' | 'offsetMinutes' {
  return mode === 'demo' ? 'offsetMinutes' : 'offsetDays';
}

function numberOrUndefined(value: string | undefined): number | undefined {
  return value === undefined || value.trim() === '' ? undefined : Number(value);
}

/** Reads the editor's fields into a scenario input; rows without a key are dropped. Returns the form row of each kept step. */
export function scenarioFromForm(base: Scenario, fields: Record<string, string>): { input: Record<string, unknown>; rows: number[] } {
  const rows: number[] = [];
  const steps: Record<string, unknown>[] = [];
  const offsetField = offsetFieldOf(base.mode);
  for (let row = 0; row <= base.steps.length; row += 1) {
    const key = fields[`s${row}_key`]?.trim();
    if (!key) continue;
    const previous = base.steps.find((step) => step.key === key);
    const minBalance = fields[`s${row}_minBalanceMinor`]?.trim();
    const conditions = { ...previous?.conditions, minBalanceMinor: minBalance ? Number(minBalance) : undefined, businessOnly: fields[`s${row}_businessOnly`] === 'on' ? true : undefined };
    const hasConditions = Object.values(conditions).some((value) => value !== undefined);
    steps.push({
      ...previous,
      key,
      offsetDays: offsetField === 'offsetDays' ? numberOrUndefined(fields[`s${row}_offsetDays`]) : undefined,
      offsetMinutes: offsetField === 'offsetMinutes' ? numberOrUndefined(fields[`s${row}_offsetMinutes`]) : undefined,
      channel: fields[`s${row}_channel`],
      templateKey: fields[`s${row}_templateKey`]?.trim(),
      tone: fields[`s${row}_tone`],
      conditions: hasConditions ? conditions : undefined,
      requiresConfirmation: fields[`s${row}_requiresConfirmation`] === 'on',
    });
    rows.push(row);
  }
  const input = {
    ...base,
    mode: base.mode,
    name: { fr: fields.name_fr?.trim() ?? '', en: fields.name_en?.trim() ?? '' },
    steps,
    calendar: {
      businessDaysOnly: fields.businessDaysOnly === 'on',
      holidays: fields.holidays,
      sendWindow: { start: fields.windowStart, end: fields.windowEnd },
      nonBusinessDayRule: base.calendar.nonBusinessDayRule,
    },
    promise: { graceDays: Number(fields.graceDays), maxHorizonDays: Number(fields.maxHorizonDays) },
  };
  return { input, rows };
}

/** Maps zod issue paths of the scenario to form field names. */
export function fieldErrorsOf(issues: { path: PropertyKey[]; message: string }[], rows: number[]): FieldErrors {
  const errors: FieldErrors = new Map();
  for (const issue of issues) {
    const [first, second, third, fourth] = issue.path.map(String);
    let name = 'form';
    if (first === 'steps' && second !== undefined) {
      const row = rows[Number(second)] ?? 0;
      const field = third === 'conditions' ? fourth : third;
      name = `s${row}_${field && (STEP_FIELDS as readonly string[]).includes(field) ? field : 'key'}`;
    } else if (first === 'name') {
      name = `name_${second}`;
    } else if (first === 'calendar' && second === 'sendWindow') {
      name = third === 'end' ? 'windowEnd' : 'windowStart';
    } else if (first === 'calendar' || first === 'promise') {
      name = second ?? 'form';
    }
    errors.set(name, [...(errors.get(name) ?? []), issue.message]);
  }
  return errors;
}

function errorOf(errors: FieldErrors, name: string): { attributes: string; html: string } {
  const list = errors.get(name);
  if (!list) return { attributes: '', html: '' };
  return { attributes: ` aria-invalid="true" aria-describedby="${name}-error"`, html: `<span id="${name}-error" class="error">${h(list.join('; '))}</span>` };
}

function options(values: readonly string[], selected: string | undefined, labels: Record<string, string> = {}): string {
  return values.map((value) => `<option value="${value}"${value === selected ? ' selected' : ''}>${h(labels[value] ?? value)}</option>`).join('');
}

/** Renders the editor with the values of `values` (the saved scenario or the rejected submission). */
export function scenarioForm(
  scenario: Pick<Scenario, 'id' | 'mode'>,
  values: Record<string, string>,
  stepRows: number,
  errors: FieldErrors,
  session: Session,
  language: BackofficeLanguage,
): string {
  const { id } = scenario;
  const messages = messagesOf(language);
  const labels = messages.scenarios;
  const offsetField = offsetFieldOf(scenario.mode);
  const offsetLabel = offsetField === 'offsetMinutes' ? labels.offsetMinutes : labels.offsetDays;
  const cell = (name: string, control: (attributes: string) => string, label: string) => {
    const error = errorOf(errors, name);
    return `<td><label for="${name}" class="visually-hidden">${h(label)}</label>${control(error.attributes)}${error.html}</td>`;
  };
  const text = (name: string, label: string, extra = '') => cell(name, (attributes) => `<input id="${name}" name="${name}" value="${h(values[name] ?? '')}"${extra}${attributes}>`, label);
  const check = (name: string, label: string) => cell(name, (attributes) => `<input id="${name}" name="${name}" type="checkbox"${values[name] === 'on' ? ' checked' : ''}${attributes}>`, label);
  const choice = (name: string, list: readonly string[], label: string, names?: Record<string, string>) =>
    cell(name, (attributes) => `<select id="${name}" name="${name}"${attributes}>${options(list, values[name], names)}</select>`, label);

  const rows = Array.from({ length: stepRows }, (_, row) => `<tr>`
    + text(`s${row}_key`, labels.key, ' size="6" maxlength="40"')
    + (offsetField === 'offsetMinutes'
      ? text(`s${row}_offsetMinutes`, offsetLabel, ' type="number" min="0" max="43200" size="6"')
      : text(`s${row}_offsetDays`, offsetLabel, ' type="number" min="-90" max="3650" size="5"'))
    + choice(`s${row}_channel`, channelSchema.options, labels.channel, messages.channels)
    + text(`s${row}_templateKey`, labels.template, ' size="12" maxlength="80"')
    + choice(`s${row}_tone`, toneSchema.options, labels.tone)
    + text(`s${row}_minBalanceMinor`, labels.minBalance, ' type="number" min="0" size="8"')
    + check(`s${row}_businessOnly`, labels.businessOnly)
    + check(`s${row}_requiresConfirmation`, labels.requiresConfirmation)
    + '</tr>').join('');

  const field = (name: string, label: string, control: (attributes: string) => string) => {
    const error = errorOf(errors, name);
    return `<div class="field"><label for="${name}">${h(label)}</label>${control(error.attributes)}${error.html}</div>`;
  };
  const formError = errors.get('form');
  return `<form method="post" action="/backoffice/scenarios/${h(id)}">${csrfField(session)}`
    + (formError ? `<p class="error">${h(formError.join('; '))}</p>` : '')
    + field('name_fr', labels.nameFr, (attributes) => `<input id="name_fr" name="name_fr" value="${h(values.name_fr ?? '')}" lang="fr" required${attributes}>`)
    + field('name_en', labels.nameEn, (attributes) => `<input id="name_en" name="name_en" value="${h(values.name_en ?? '')}" lang="en" required${attributes}>`)
    + `<h2>${h(labels.steps)}</h2><p class="muted">${h(labels.removeHint)}</p><div style="overflow-x:auto"><table><thead><tr>`
    + [labels.key, offsetLabel, labels.channel, labels.template, labels.tone, labels.minBalance, labels.businessOnly, labels.requiresConfirmation].map((label) => `<th scope="col">${h(label)}</th>`).join('')
    + `</tr></thead><tbody>${rows}</tbody></table></div>`
    + `<fieldset><legend>${h(labels.calendar)}</legend>`
    + field('businessDaysOnly', labels.businessDaysOnly, (attributes) => `<input id="businessDaysOnly" name="businessDaysOnly" type="checkbox"${values.businessDaysOnly === 'on' ? ' checked' : ''}${attributes}>`)
    + field('holidays', labels.holidays, (attributes) => `<select id="holidays" name="holidays"${attributes}>${options(['FR', 'none'], values.holidays)}</select>`)
    + field('windowStart', labels.windowStart, (attributes) => `<input id="windowStart" name="windowStart" type="time" value="${h(values.windowStart ?? '')}"${attributes}>`)
    + field('windowEnd', labels.windowEnd, (attributes) => `<input id="windowEnd" name="windowEnd" type="time" value="${h(values.windowEnd ?? '')}"${attributes}>`)
    + `</fieldset><fieldset><legend>${h(labels.promise)}</legend>`
    + field('graceDays', labels.graceDays, (attributes) => `<input id="graceDays" name="graceDays" type="number" min="0" max="60" value="${h(values.graceDays ?? '')}"${attributes}>`)
    + field('maxHorizonDays', labels.maxHorizonDays, (attributes) => `<input id="maxHorizonDays" name="maxHorizonDays" type="number" min="1" max="365" value="${h(values.maxHorizonDays ?? '')}"${attributes}>`)
    + `</fieldset><button type="submit">${h(labels.save)}</button></form>`;
}

/** The editor's field values of a saved scenario. */
export function valuesOf(scenario: Scenario): Record<string, string> {
  const values: Record<string, string> = {
    name_fr: scenario.name.fr,
    name_en: scenario.name.en,
    businessDaysOnly: scenario.calendar.businessDaysOnly ? 'on' : '',
    holidays: scenario.calendar.holidays,
    windowStart: scenario.calendar.sendWindow.start,
    windowEnd: scenario.calendar.sendWindow.end,
    graceDays: String(scenario.promise.graceDays),
    maxHorizonDays: String(scenario.promise.maxHorizonDays),
  };
  scenario.steps.forEach((step, row) => {
    values[`s${row}_key`] = step.key;
    values[`s${row}_offsetDays`] = step.offsetDays === undefined ? '' : String(step.offsetDays);
    values[`s${row}_offsetMinutes`] = step.offsetMinutes === undefined ? '' : String(step.offsetMinutes);
    values[`s${row}_channel`] = step.channel;
    values[`s${row}_templateKey`] = step.templateKey;
    values[`s${row}_tone`] = step.tone;
    values[`s${row}_minBalanceMinor`] = step.conditions?.minBalanceMinor === undefined ? '' : String(step.conditions.minBalanceMinor);
    values[`s${row}_businessOnly`] = step.conditions?.businessOnly ? 'on' : '';
    values[`s${row}_requiresConfirmation`] = step.requiresConfirmation ? 'on' : '';
  });
  return values;
}
