// The machine line every benchmark prints, option parsing and small helpers they share.
import os from 'node:os';

/** CPU model and count, total memory and Node version, on one line. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1_073_741_824).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Reads `--NAME value` from the command line as a positive integer, or returns `fallback`. */
export function intOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} expects a positive integer, got "${process.argv[index + 1] ?? ''}"`);
  return value;
}

/** Prints aligned `label  value` lines, then the machine. */
export function printFigures(title: string, lines: Array<[string, string]>): void {
  const width = Math.max(...lines.map(([label]) => label.length), 'machine'.length) + 2;
  console.log(`\n${title}`);
  for (const [label, value] of [...lines, ['machine', machineLine()] as [string, string]]) console.log(`  ${label.padEnd(width)}${value}`);
}

/** Returns the p-th percentile (0 to 100) of a list of numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await task(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
}
