import { Command } from 'commander';

// Commands not available from the command line yet. Each one prints how to do the same today.

const PLANNED: Array<{ name: string; description: string; instead: string }> = [
  { name: 'start', description: 'Start Relance: Temporal, PostgreSQL, the worker and the API', instead: 'run `npm start`' },
  { name: 'replay', description: 'Replay recorded workflow histories against the current workflow code', instead: 'run the replay tests with `npx vitest run`' },
  { name: 'demo', description: 'Load demonstration customers and invoices', instead: 'import a sample file with `relance import FILE`' },
];

export function plannedCommands(): Command[] {
  return PLANNED.map(({ name, description, instead }) =>
    new Command(name).description(`${description} (not available from this command yet)`).action(() => {
      process.stderr.write(`relance ${name} is not available yet: ${instead}\n`);
      process.exitCode = 2;
    }),
  );
}
