// Reads a process's memory and CPU time from /proc (Linux only).
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/PID/stat times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  at: number;
  /** Resident set size, bytes. */
  rssBytes: number;
  /** Peak resident set size since start, bytes. */
  peakRssBytes: number;
  /** User plus system CPU time since start, seconds. */
  cpuSeconds: number;
}

export async function sampleProcess(pid: number): Promise<ProcessSample> {
  const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { at: performance.now(), rssBytes: kilobytes('VmRSS') * 1024, peakRssBytes: kilobytes('VmHWM') * 1024, cpuSeconds: (utime + stime) / TICKS_PER_SECOND };
}

/** Samples a process every `intervalMs` for `durationMs`; returns mean RSS and CPU share (1 = one core). */
export async function measureProcess(pid: number, durationMs: number, intervalMs = 500): Promise<{ meanRssBytes: number; peakRssBytes: number; cpuShare: number }> {
  const samples: ProcessSample[] = [await sampleProcess(pid)];
  while ((samples.at(-1)?.at ?? 0) - (samples[0]?.at ?? 0) < durationMs) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    samples.push(await sampleProcess(pid));
  }
  const first = samples[0] as ProcessSample;
  const last = samples.at(-1) as ProcessSample;
  return {
    meanRssBytes: samples.reduce((sum, sample) => sum + sample.rssBytes, 0) / samples.length,
    peakRssBytes: last.peakRssBytes,
    cpuShare: (last.cpuSeconds - first.cpuSeconds) / ((last.at - first.at) / 1000),
  };
}

/** Waits until the process uses less than `share` of a core over 5 s, or `timeoutMs` passes. */
export async function waitUntilIdle(pid: number, share: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await measureProcess(pid, 5_000)).cpuShare < share) return true;
  }
  return false;
}
