import { FamiliesModule } from './modules/families/families.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { PackagesModule } from './modules/packages/packages.module.js';
import { ReferralsModule } from './modules/referrals/referrals.module.js';

/** The feature modules built on the foundation (families, referrals, packages, metrics). */
export const FEATURE_MODULES = [FamiliesModule, ReferralsModule, PackagesModule, MetricsModule];
