export { type AuditActor, type AuditEntry, AuditLog, type AuditQuery } from './audit-log.js';
export { auditPlugin, type AuditPluginOptions } from './audit-plugin.js';
