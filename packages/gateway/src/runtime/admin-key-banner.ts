import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BootstrapResult } from '../services/bootstrap.js';

export const adminKeyFile = (dataDir: string) => path.join(dataDir, 'admin-key.txt');

/**
 * Print the first admin key once, boxed, to stdout (never through the logger), and keep a copy in a
 * 0600 file in the data dir. Answers the file path, or undefined when it could not be written.
 */
export function announceAdminKey(
  result: BootstrapResult,
  dataDir: string,
  out: NodeJS.WritableStream = process.stdout,
): string | undefined {
  let file: string | undefined = adminKeyFile(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${result.adminKey.key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    file = undefined;
  }
  const lines = [
    'Switchyard created the "default" tenant and its first ADMIN API KEY:',
    '',
    `    ${result.adminKey.key}`,
    '',
    'It is shown only this once and stored only as a hash.',
    file === undefined ? 'Copy it now.' : `A copy is in ${file} (mode 0600): move it somewhere safe.`,
    'Use it as:  Authorization: Bearer <key>',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '='.repeat(width);
  out.write(`\n${bar}\n${lines.map((l) => `  ${l}`).join('\n')}\n${bar}\n\n`);
  return file;
}
