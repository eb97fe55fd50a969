export { type DashboardOptions, dashboardPlugin } from './dashboard-plugin.js';
export { SSE_MAX_BUFFERED_BYTES } from './live-events.js';
