// Public API of the server's privacy-accounting area.
export {
  DELTA_METRIC,
  EPSILON_BUDGET_REASON,
  EPSILON_METRIC,
  PrivacyLedger,
  dpOf,
  expectedSampleSize,
  samplingRateFor,
} from './privacy-ledger.js';
export { checkPrivacySettings } from './privacy-settings.js';
