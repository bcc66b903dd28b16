import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('embedded PostgreSQL module', () => {
  it('keeps the exit code', () => {
    const program = "await import('./scripts/postgres.ts'); process.exitCode = 3;";

    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
  });
});
