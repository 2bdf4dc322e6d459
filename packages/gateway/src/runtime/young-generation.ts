import v8 from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** `--max-semi-space-size=4`, `--max_semi_space_size=4`, or the flag alone (its value then follows). */
const FLAG = /^--max[-_]semi[-_]space[-_]size(?:=(.*))?$/;

/**
 * The `--max-semi-space-size` (MB) the process was started with: the last one of `NODE_OPTIONS` and then of its
 * command line (`npm start` sets it; docs/configuration.md, "Memory"), as V8 takes the last it is given.
 */
export function startSemiSpaceFlag(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): number | undefined {
  const args = [...nodeOptions.split(/\s+/).filter((a) => a !== ''), ...execArgv];
  let found: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const match = FLAG.exec(args[i] ?? '');
    if (match === null) continue;
    const value = Number(match[1] ?? args[++i]);
    if (Number.isInteger(value) && value >= 0) found = value;
  }
  return found;
}

/**
 * Starts a worker whose young generation is the one its `resourceLimits` ask for. V8 applies
 * `--max-semi-space-size` to every isolate of the process, and it takes precedence over a worker's
 * `maxYoungGenerationSizeMb`; so the flag is cleared while the worker's isolate is made, and set back to
 * `semiSpaceMb` once the worker runs (or has exited). Isolates made before, the main thread's among them, keep
 * the size they were made with: V8 reads the flag only when it sets up an isolate's heap.
 *
 * Why: the ingest thread holds each delivery for the few milliseconds of its group commit. In semi-spaces of 4 MB,
 * refilled every ~15 ms at 5,000 deliveries/s, many of those survive two young collections, are promoted, and
 * die in the old generation, which then needed a full collection every ~170 ms (pauses of 3–13 ms and incremental
 * steps of up to 15 ms on that thread, each one a stall of every request waiting on a commit).
 */
export function withOwnYoungGeneration(start: () => Worker, semiSpaceMb = startSemiSpaceFlag()): Worker {
  if (semiSpaceMb === undefined || semiSpaceMb === 0) return start();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    v8.setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  };
  v8.setFlagsFromString('--max-semi-space-size=0');
  let worker: Worker;
  try {
    worker = start();
  } catch (err) {
    restore();
    throw err;
  }
  worker.once('online', restore);
  worker.once('exit', restore);
  return worker;
}
