// Public API of the partition area; owned by its author, re-exported from ../index.ts.
export {};
