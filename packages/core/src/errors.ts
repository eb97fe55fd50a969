/** One entry of a package's error table. */
export interface ErrorSpec {
  /** Default human-readable message; a call site may add detail. */
  readonly message: string;
  /** HTTP status the REST layer answers with. */
  readonly status: number;
  /** Whether a client may retry the same request later and expect success. */
  readonly retryable: boolean;
}

/** Options for constructing a {@link FederaError}. */
export interface FederaErrorOptions {
  status: number;
  retryable: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * The one error type Federa throws for expected failures. `code` is stable
 * (`FEDERA_ERR_<AREA>_<WHAT>`); the message may improve over time.
 *
 * @example
 * throw new FederaError('FEDERA_ERR_CORE_SHAPE_MISMATCH', 'tensor 0 has 3 values, expected 4', { status: 400, retryable: false });
 */
export class FederaError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: FederaErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FederaError';
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable;
    this.details = options.details;
  }

  /** Plain-object form for JSON bodies and logs. */
  toJSON(): { code: string; message: string; status: number; retryable: boolean } {
    return { code: this.code, message: this.message, status: this.status, retryable: this.retryable };
  }
}

/** True when `value` is a {@link FederaError} (also across package copies). */
export function isFederaError(value: unknown): value is FederaError {
  return (
    value instanceof FederaError ||
    (value instanceof Error && value.name === 'FederaError' && 'code' in value)
  );
}

/** A package's error table plus a typed constructor for its codes. */
export interface ErrorTable<Code extends string> {
  readonly table: Readonly<Record<Code, ErrorSpec>>;
  /** Build the error for `code`, with optional detail appended to the default message. */
  create(
    code: Code,
    detail?: string,
    extra?: { cause?: unknown; details?: Record<string, unknown> },
  ): FederaError;
}

/**
 * Declare a package's error table.
 *
 * @example
 * const errors = defineErrors({ FEDERA_ERR_CORE_EMPTY: { message: 'no updates', status: 409, retryable: true } });
 * throw errors.create('FEDERA_ERR_CORE_EMPTY');
 */
export function defineErrors<Code extends string>(table: Record<Code, ErrorSpec>): ErrorTable<Code> {
  return {
    table,
    create(code, detail, extra) {
      const spec = table[code];
      const message = detail ? `${spec.message}: ${detail}` : spec.message;
      return new FederaError(code, message, { status: spec.status, retryable: spec.retryable, ...extra });
    },
  };
}
