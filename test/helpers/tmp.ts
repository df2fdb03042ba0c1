// Temporary directories for a test file: made under $TMPDIR and removed when the test process
// exits, passed or failed, so that no test leaves one behind (scripts/test.mjs fails a run that
// does). For directories that must outlive one test but not the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.push(dir) === 1) process.on('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return dir;
}
