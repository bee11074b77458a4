/** Where the domain gets the time from; tests pass a fake one. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: for tests and for replaying recorded drills. */
export class FakeClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 5, 10, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
