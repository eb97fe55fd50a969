export { type DashboardOptions, dashboardPlugin } from './dashboard-plugin.js';
