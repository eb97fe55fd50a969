/** Labels are lower-case slugs; `latest` is virtual (always the newest version). */
export const LABEL_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const VIRTUAL_LATEST = 'latest';
//# sourceMappingURL=registry-types.js.map