/**
 * The planner: config + health states + overrides → the desired lb state; pure.
 * Entry point `vpp-maglev/plan`.
 */
export { FrontendModel, type VipHeader } from './frontend-model.js';
export { AddressParseError, compareIp, ipFamily, ipSortKey, sortIps } from './ip.js';
export {
  desiredLbConf,
  type EffectiveWeight,
  effectiveWeight,
  frontendState,
  plan,
  planFrontend,
  VIP_FLOW_TABLE_LENGTH,
  weightOverrideKey,
} from './plan.js';
export type {
  BackendStates,
  DesiredAs,
  DesiredLbState,
  DesiredVip,
  FrontendPlan,
  FrontendState,
  GreEncap,
  Plan,
  PlannedPoolBackend,
  WeightOverrides,
} from './types.js';
export { compareVipKeys, frontendVipKey, vipProtocol, vipSortKey } from './vip.js';
