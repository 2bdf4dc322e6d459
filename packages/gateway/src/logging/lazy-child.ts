import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);
const STATE = Symbol('lazy child logger');

interface State {
  parent: Logger;
  bindings: Bindings;
  options: ChildLoggerOptions | undefined;
  child: Logger | undefined;
}

type Lazy = { [STATE]: State };

function realOf(s: State): Logger {
  s.child ??= s.options === undefined ? s.parent.child(s.bindings) : s.parent.child(s.bindings, s.options);
  return s.child;
}

const noop = () => {};
/** Shared by every lazy logger (`this` is the proxy): a log call at an enabled level builds the child. */
const levelCalls: Record<string, (this: Lazy, ...args: unknown[]) => void> = Object.fromEntries(
  LEVELS.map((level) => [
    level,
    function (this: Lazy, ...args: unknown[]) {
      (realOf(this[STATE]) as unknown as Record<string, (...a: unknown[]) => void>)[level]?.(...args);
    },
  ]),
);
function childCall(this: Lazy, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  const real = realOf(this[STATE]);
  return options === undefined ? real.child(bindings) : real.child(bindings, options);
}

const handler: ProxyHandler<State> = {
  get(state, prop) {
    if (prop === STATE) return state;
    if (state.child === undefined && typeof prop === 'string') {
      // Fastify checks that the child has these methods: answering them must not build it.
      if (LEVEL_SET.has(prop)) return state.parent.isLevelEnabled(prop) ? levelCalls[prop] : noop;
      if (prop === 'child') return childCall;
    }
    const real = realOf(state);
    const value = Reflect.get(real, prop, real) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
  },
  set(state, prop, value) {
    return Reflect.set(realOf(state), prop, value);
  },
};

/**
 * A request's child logger, made only when something logs through it. Fastify makes one per request
 * (`{reqId}` bound), and pino's child() copies and redacts its bindings at once: on the proxy's hot path that
 * was the largest single allocation of a request (~4 KB) while most requests never log at the configured
 * level. This stands in for the child and builds it on first real use; a call at a disabled level is a no-op
 * without building it. Once built, everything is pino's own (same bindings, same options).
 */
export function lazyChildLogger(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  return new Proxy<State>({ parent, bindings, options, child: undefined }, handler) as unknown as Logger;
}
