/** Typings for gen-descriptor.mjs, so the sync test can import it. */
export declare const protoIncludeDir: string;
export declare const descriptorPath: string;
export declare function loadDescriptor(includeDir?: string): Record<string, unknown>;
export declare function renderDescriptorSource(includeDir?: string): string;
