/**
 * Loads every module that registers derivative checks (src/check/registry.ts). To add checks (e.g.
 * for the objectives), register them in your module and import it here with one line.
 */
import "./builtin-layer-checks.js";
import "../objectives/checks.js";

export { listChecks, runChecks } from "./registry.js";
export type { CheckReport, CheckOutcome } from "./registry.js";
import "../objectives/checks.js";
