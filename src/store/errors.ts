// Errors a store raises that callers act on, told apart by code (never by message or class name).

export type StoreErrorCode = "drill_already_running" | "database_too_new" | "database_damaged";

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export const isStoreError = (error: unknown, code: StoreErrorCode): error is StoreError =>
  error instanceof StoreError && error.code === code;

/** A second running drill in one Slack channel (two instances raced, or a double command). */
export class DrillAlreadyRunningError extends StoreError {
  constructor(
    readonly venue: string,
    readonly runningDrillId: number | null,
  ) {
    super("drill_already_running", `a drill is already running in ${venue}`);
  }
}

/** The database was written by a newer drillbot. */
export class DatabaseTooNewError extends StoreError {
  constructor(
    readonly dbVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      "database_too_new",
      `the database is at schema version ${dbVersion}, but this drillbot knows only up to version ${codeVersion}; ` +
        "upgrade drillbot (or point DRILLBOT_DB at another file) instead of running an older version on it",
    );
  }
}

/** The database file failed its integrity check; nothing was changed. */
export class DatabaseDamagedError extends StoreError {
  constructor(path: string, problem: string) {
    super(
      "database_damaged",
      `${path} failed SQLite's integrity check (${problem}). Nothing was changed. Restore a backup made with "drillbot backup", or move the file aside to start a new one.`,
    );
  }
}
