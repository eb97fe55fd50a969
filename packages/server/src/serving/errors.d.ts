/** Error table of the serving plane (inference, registry, batch jobs). */
export declare const servingErrors: import("@federa/core").ErrorTable<"FEDERA_ERR_SERVING_MODEL_NOT_FOUND" | "FEDERA_ERR_SERVING_VERSION_NOT_FOUND" | "FEDERA_ERR_SERVING_LABEL_NOT_FOUND" | "FEDERA_ERR_SERVING_LABEL_INVALID" | "FEDERA_ERR_SERVING_NO_HISTORY" | "FEDERA_ERR_SERVING_BAD_REQUEST" | "FEDERA_ERR_SERVING_BAD_SHAPE" | "FEDERA_ERR_SERVING_BAD_DTYPE" | "FEDERA_ERR_SERVING_NOT_FINITE" | "FEDERA_ERR_SERVING_BODY_TOO_LARGE" | "FEDERA_ERR_SERVING_UNSUPPORTED_MEDIA" | "FEDERA_ERR_SERVING_OVERLOADED" | "FEDERA_ERR_SERVING_NOT_READY" | "FEDERA_ERR_SERVING_LOAD_FAILED" | "FEDERA_ERR_SERVING_UNSUPPORTED_MODEL" | "FEDERA_ERR_SERVING_POLICY_INVALID" | "FEDERA_ERR_SERVING_JOB_NOT_FOUND" | "FEDERA_ERR_SERVING_JOB_NOT_DONE" | "FEDERA_ERR_SERVING_INTERNAL" | "FEDERA_ERR_SERVING_JOB_INPUT">;
/** Error table of bearer-token authentication. */
export declare const authErrors: import("@federa/core").ErrorTable<"FEDERA_ERR_AUTH_MISSING" | "FEDERA_ERR_AUTH_INVALID" | "FEDERA_ERR_AUTH_FORBIDDEN">;
/** Codes of the serving plane. */
export type ServingErrorCode = keyof typeof servingErrors.table;
/** Codes of authentication. */
export type AuthErrorCode = keyof typeof authErrors.table;
