// Public API of the dp area; owned by its author, re-exported from ../index.ts.
export {};
