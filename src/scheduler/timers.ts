// Timers behind an interface so tests drive them with a fake clock instead of sleeping.

export type TimerHandle = { readonly id: number };

export interface TimerHost {
  set(fn: () => void, delayMs: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** setTimeout can only wait ~24.8 days; longer waits are chained. */
const MAX_DELAY = 2 ** 31 - 1;

export function realTimers(): TimerHost {
  const live = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    set(fn, delayMs) {
      const id = next++;
      const arm = (remaining: number) => {
        const timeout = setTimeout(
          () => {
            if (remaining > MAX_DELAY) arm(remaining - MAX_DELAY);
            else {
              live.delete(id);
              fn();
            }
          },
          Math.min(Math.max(0, remaining), MAX_DELAY),
        );
        timeout.unref?.();
        live.set(id, timeout);
      };
      arm(delayMs);
      return { id };
    },
    clear(handle) {
      const timeout = live.get(handle.id);
      if (timeout) clearTimeout(timeout);
      live.delete(handle.id);
    },
  };
}
