import { z } from 'zod';

// Dunning scenario model. Workflow-safe: zod only, no Node built-ins.

export const channelSchema = z.enum(['email', 'phone', 'letter', 'registered_letter', 'visit', 'legal_handoff']);
export type Channel = z.infer<typeof channelSchema>;

/** Channels whose step reaches the customer; a phone task is internal until the call is made. */
export const CUSTOMER_FACING_CHANNELS: readonly Channel[] = ['email', 'letter', 'registered_letter', 'visit', 'phone'];

export const toneSchema = z.enum(['courtesy', 'friendly', 'firm', 'final', 'formal_notice']);
export type Tone = z.infer<typeof toneSchema>;

export const languageSchema = z.enum(['fr', 'en']);
export type Language = z.infer<typeof languageSchema>;

const localTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time as HH:MM, for example 09:00');

const stepKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected a step key of lowercase letters, digits, "-" or "_", for example r1');

export const stepConditionsSchema = z.object({
  /** The step runs only when the balance due is at least this many minor units. */
  minBalanceMinor: z.number().int().nonnegative().optional(),
  /** The step runs only for customers in one of these segments. */
  segments: z.array(z.string().min(1)).min(1).optional(),
  /** The step runs only for business (B2B) customers. */
  businessOnly: z.boolean().optional(),
});
export type StepConditions = z.infer<typeof stepConditionsSchema>;

export const scenarioStepSchema = z
  .object({
    key: stepKeySchema,
    /** Days from the due date in the customer's calendar; negative for a courtesy notice. */
    offsetDays: z.number().int().min(-90).max(3650).optional(),
    /** Minutes from the case start, for demo and test scenarios only. */
    offsetMinutes: z.number().int().min(0).max(60 * 24 * 30).optional(),
    channel: channelSchema,
    templateKey: z.string().min(1).max(80),
    tone: toneSchema,
    conditions: stepConditionsSchema.optional(),
    requiresConfirmation: z.boolean().default(false),
    /** Channel used instead when the e-mail address bounced or was suppressed. */
    fallbackChannel: channelSchema.optional(),
    /** The late-payment penalties and the recovery indemnity are claimed from this step on. */
    claimsPenalties: z.boolean().default(false),
  })
  .superRefine((step, ctx) => {
    const offsets = [step.offsetDays, step.offsetMinutes].filter((offset) => offset !== undefined);
    if (offsets.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `step "${step.key}" needs exactly one of offsetDays or offsetMinutes`,
        path: ['offsetDays'],
      });
    }
  });
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;

export const calendarSettingsSchema = z.object({
  /** When true, steps move off weekends and public holidays. */
  businessDaysOnly: z.boolean().default(true),
  holidays: z.enum(['FR', 'none']).default('FR'),
  sendWindow: z
    .object({ start: localTimeSchema, end: localTimeSchema })
    .refine((window) => window.start < window.end, 'sendWindow.start must be earlier than sendWindow.end')
    .default({ start: '09:00', end: '17:00' }),
  /** Direction in which a step that falls on a non-business day moves. */
  nonBusinessDayRule: z.enum(['next_business_day', 'previous_business_day']).default('next_business_day'),
});
export type CalendarSettings = z.infer<typeof calendarSettingsSchema>;

export const scenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected a scenario id of lowercase letters, digits and "-"'),
    version: z.number().int().min(1),
    name: z.object({ fr: z.string().min(1), en: z.string().min(1) }),
    /** A production scenario counts in days; only a demo scenario may use minute offsets. */
    mode: z.enum(['production', 'demo']).default('production'),
    steps: z.array(scenarioStepSchema).min(1).max(30),
    calendar: calendarSettingsSchema.default({
      businessDaysOnly: true,
      holidays: 'FR',
      sendWindow: { start: '09:00', end: '17:00' },
      nonBusinessDayRule: 'next_business_day',
    }),
    promise: z
      .object({
        graceDays: z.number().int().min(0).max(60),
        maxHorizonDays: z.number().int().min(1).max(365),
      })
      .default({ graceDays: 3, maxHorizonDays: 60 }),
    /** A residual balance at or under this many minor units of the invoice currency triggers nothing. */
    residualToleranceMinor: z.number().int().min(0).default(10),
    /** Catch-up policy of a case that starts after some steps' dates. */
    catchUp: z.enum(['first_step', 'matching_step']).default('matching_step'),
  })
  .superRefine((scenario, ctx) => {
    const keys = new Set<string>();
    scenario.steps.forEach((step, index) => {
      if (keys.has(step.key)) {
        ctx.addIssue({ code: 'custom', message: `duplicate step key "${step.key}"`, path: ['steps', index, 'key'] });
      }
      keys.add(step.key);

      if (scenario.mode === 'production' && step.offsetMinutes !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `step "${step.key}" uses offsetMinutes, which only a demo scenario may use: set offsetDays or mode "demo"`,
          path: ['steps', index, 'offsetMinutes'],
        });
      }
      if (scenario.mode === 'demo' && step.offsetDays !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `step "${step.key}" uses offsetDays in a demo scenario: use offsetMinutes`,
          path: ['steps', index, 'offsetDays'],
        });
      }

      const previous = scenario.steps[index - 1];
      const offset = step.offsetDays ?? step.offsetMinutes ?? 0;
      const previousOffset = previous ? (previous.offsetDays ?? previous.offsetMinutes ?? 0) : undefined;
      if (previousOffset !== undefined && offset <= previousOffset) {
        ctx.addIssue({
          code: 'custom',
          message: `step "${step.key}" must come after step "${previous?.key}": offsets must increase`,
          path: ['steps', index],
        });
      }
    });
  });
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
