export { type AuthOptions, PUBLIC_ROUTES, authPlugin, roleGuard } from './auth-plugin.js';
export { hashToken, type Principal, ROLES, type Role, type TokenConfig, TokenSet } from './tokens.js';
