export const modelParam = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,127}$' };
export const versionParam = { type: 'string', pattern: '^[0-9]{1,9}$' };
export const labelParam = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' };
/** `{ version }` or `{ label }` from route params. */
export function selectorOf(params) {
    if (params.v !== undefined)
        return { version: Number(params.v) };
    if (params.l !== undefined)
        return { label: params.l };
    return {};
}
//# sourceMappingURL=context.js.map