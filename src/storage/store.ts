/**
 * The storage interface every service uses. SQL is written in the subset SQLite and PostgreSQL
 * share (`?` placeholders, `INSERT ... ON CONFLICT ... DO UPDATE`, bytewise BLOB/bytea ordering);
 * column types come from the dialect, so a PostgreSQL store can follow without touching services.
 */
export type SqlValue = string | number | bigint | Buffer | null;

export interface RunResult {
  changes: number;
}

/** Statement execution: outside or inside a transaction. */
export interface Db {
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

/** Column type names of a backend. */
export interface Dialect {
  name: 'sqlite' | 'postgres';
  blob: string;
  text: string;
  integer: string;
  real: string;
  /** An auto-assigned integer primary key column type (SQLite: the rowid). */
  rowId: string;
}

/** One schema step of a service, applied once, in order. */
export interface Migration {
  id: string;
  statements: (dialect: Dialect) => string[];
}

export interface Store extends Db {
  readonly dialect: Dialect;
  /** Where services may keep files (blobs, layers); undefined when ephemeral. */
  readonly dataDir: string | undefined;
  /** Apply a service's migrations that have not run yet. */
  migrate(service: string, migrations: readonly Migration[]): Promise<void>;
  /** Run `fn` atomically and in isolation from every other statement. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
