// Public API of the strategies area; owned by its author, re-exported from ../index.ts.
export {};
