import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSemiSpaceFlag } from './young-generation.js';

describe('startSemiSpaceFlag', () => {
  it('reads the flag from the command line and NODE_OPTIONS, the last one winning', () => {
    expect(startSemiSpaceFlag(['--max-semi-space-size=4', '--expose-gc'], '')).toBe(4);
    expect(startSemiSpaceFlag(['--max_semi_space_size=8'], '')).toBe(8);
    expect(startSemiSpaceFlag(['--max-semi-space-size', '2'], '')).toBe(2);
    expect(startSemiSpaceFlag([], '--max-semi-space-size=16  --max-old-space-size=512')).toBe(16);
    // NODE_OPTIONS come before the command line, so the command line's wins.
    expect(startSemiSpaceFlag(['--max-semi-space-size=4'], '--max-semi-space-size=16')).toBe(4);
    expect(startSemiSpaceFlag(['--max-old-space-size=512'], '')).toBeUndefined();
    expect(startSemiSpaceFlag(['--max-semi-space-size=lots'], '')).toBeUndefined();
  });
});

// A process started with --max-semi-space-size=1: heap_size_limit counts the young generation, so it shows which
// size each isolate got. The helper runs from the built package (worker threads cannot load TypeScript).
const HELPER = fileURLToPath(new URL('../../dist/runtime/young-generation.js', import.meta.url));
const SCRIPT = `
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { withOwnYoungGeneration } from ${JSON.stringify(HELPER)};
const MB = 2 ** 20;
// Workers inherit --input-type=module, so their code is a module too.
const code = "import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads'; parentPort.postMessage(v8.getHeapStatistics().heap_size_limit);";
const limits = { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 64 };
const limitOf = (worker) => new Promise((resolve, reject) => {
  worker.once('message', (bytes) => worker.terminate().then(() => resolve(Math.round(bytes / MB))));
  worker.once('error', reject);
});
const main = v8.getHeapStatistics().heap_size_limit;
const plain = await limitOf(new Worker(code, { eval: true, resourceLimits: limits }));
const own = await limitOf(withOwnYoungGeneration(() => new Worker(code, { eval: true, resourceLimits: limits })));
const after = await limitOf(new Worker(code, { eval: true, resourceLimits: limits }));
console.log(JSON.stringify({ plain, own, after, mainUnchanged: v8.getHeapStatistics().heap_size_limit === main }));
`;

describe('withOwnYoungGeneration', () => {
  it("gives the worker the young generation of its resourceLimits, and leaves the process's flag as it was", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--max-semi-space-size=1',
      '--input-type=module',
      '-e',
      SCRIPT,
    ]);
    const seen = JSON.parse(stdout) as { plain: number; own: number; after: number; mainUnchanged: boolean };
    // With the flag in force a worker's young generation is 3 × 1 MB whatever it asks for; with it cleared, 48 MB.
    expect(seen.own - seen.plain).toBeGreaterThanOrEqual(30);
    expect(seen.after).toBe(seen.plain);
    expect(seen.mainUnchanged).toBe(true);
  });
});
