/** Bundle a TypeScript entry with @federa/* sources into one ESM file for plain `node`; resolves to its path. */
export function bundleForNode(entry: string, name: string): Promise<string>;
