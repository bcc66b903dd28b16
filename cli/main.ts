import { Command } from 'commander';

import { apiKeyCommand } from './commands/api-key.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { replayCommand } from './commands/replay.js';
import { startCommand } from './commands/start.js';

const program = new Command('relance')
  .description('Relance credit management from the command line. Reads DATABASE_URL, or the embedded PostgreSQL that `npm start` runs.')
  .showHelpAfterError();

program.addCommand(importCommand());
program.addCommand(apiKeyCommand());
program.addCommand(startCommand());
program.addCommand(demoCommand());
program.addCommand(replayCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`relance: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
