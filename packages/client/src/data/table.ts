/**
 * A parsed table of raw cell values: every loader (CSV, NDJSON) produces one,
 * and the encoder turns it into a numeric dataset. Missing cells are `''`.
 *
 * @example
 * const t: RawTable = { columns: ['age', 'sex'], rows: [['54', 'F']] };
 */
export interface RawTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Which columns are the label and the features, and how features are encoded.
 * Features default to every other column; a feature is categorical when named
 * in `categorical`.
 *
 * @example
 * const schema: TableSchema = { label: 'diabetes', categorical: ['sex', 'smoking'] };
 */
export interface TableSchema {
  readonly label: string;
  readonly features?: readonly string[];
  readonly categorical?: readonly string[];
}

/** The schema with defaults applied against a table's columns. */
export interface ResolvedSchema {
  label: string;
  numeric: string[];
  categorical: string[];
}

/** Index of every named column; throws FEDERA_ERR_DATA_MISSING_COLUMN naming the first absent one. */
export function columnIndex(
  table: RawTable,
  names: readonly string[],
  missing: (name: string) => Error,
): number[] {
  return names.map((name) => {
    const i = table.columns.indexOf(name);
    if (i < 0) throw missing(name);
    return i;
  });
}

/** Apply a schema's defaults: features are all columns but the label, in file order. */
export function resolveSchema(columns: readonly string[], schema: TableSchema): ResolvedSchema {
  const features = schema.features ?? columns.filter((c) => c !== schema.label);
  const categorical = new Set(schema.categorical ?? []);
  return {
    label: schema.label,
    numeric: features.filter((f) => !categorical.has(f)),
    categorical: features.filter((f) => categorical.has(f)),
  };
}
