/** Generic derivative checks (Taylor and adjoint tests) and the registry of named checks. */
export { taylorTest, adjointTest } from "./derivative-tests.js";
export type { TaylorOptions, TaylorResult, AdjointResult } from "./derivative-tests.js";
export { checkLayer } from "./layer-checks.js";
export type { LayerCheckOptions, LayerCheckResults } from "./layer-checks.js";
export { registerCheck, listChecks, runChecks, taylorOutcome, adjointOutcome } from "./registry.js";
export type { CheckOutcome, NamedCheck, CheckReport } from "./registry.js";
