// Public API of the secagg area; owned by its author, re-exported from ../index.ts.
export {};
