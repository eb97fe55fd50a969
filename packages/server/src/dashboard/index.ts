export { type DashboardOptions, dashboardPlugin } from './dashboard-plugin.js';
export { featureStatsRoutes } from './feature-stats-routes.js';
