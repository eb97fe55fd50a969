export { authPlugin, roleGuard } from './auth-plugin.js';
export { hashToken, ROLES, TokenSet } from './tokens.js';
//# sourceMappingURL=index.js.map