export { type AuditActor, type AuditEntry, AuditLog, type AuditQuery } from './audit-log.js';
export { auditPlugin, type AuditPluginOptions } from './audit-plugin.js';
export { type AuditRetention, DEFAULT_PRUNE_INTERVAL_MS, checkRetention } from './audit-retention.js';
export { auditErrors } from './errors.js';
