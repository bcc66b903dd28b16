import { planLosAngelesReminder, planSydneyReminder, processTimeZoneEvidence } from './fixed-plans.js';

// Run by planner-time-zones.test.ts in a child process with TZ set.
process.stdout.write(
  JSON.stringify({
    evidence: processTimeZoneEvidence(),
    sydney: planSydneyReminder(),
    losAngeles: planLosAngelesReminder(),
  }),
);
