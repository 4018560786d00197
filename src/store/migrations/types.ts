/**
 * A schema change, written once per dialect. Migrations are TypeScript modules exporting SQL strings
 * (not .sql files) so that the `tsc` build output carries them without a copy step.
 */
export interface Migration {
  /** Strictly increasing; recorded in `schema_migrations` once applied. */
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}
