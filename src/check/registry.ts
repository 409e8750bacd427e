/**
 * A registry of named derivative checks that `gnvpro check-derivatives` runs. Any module can add
 * checks with `registerCheck` (layers: builtin-layer-checks.ts; objectives: their own module, imported
 * from src/check/all.ts). A check returns one outcome per Taylor or adjoint test it ran.
 */
import type { AdjointResult, TaylorResult } from "./derivative-tests.js";

export interface CheckOutcome {
  /** e.g. "network/mlp θ taylor" */
  name: string;
  kind: "taylor" | "adjoint";
  pass: boolean;
  /** Taylor: median slopes without / with the derivative, per-step slopes, step sizes. */
  slope0?: number;
  slope1?: number;
  slopes0?: number[];
  slopes1?: number[];
  h?: number[];
  exact?: boolean;
  /** Adjoint: relative error |⟨Jv,u⟩ − ⟨v,Jᵀu⟩| / max(|⟨Jv,u⟩|, |⟨v,Jᵀu⟩|). */
  relErr?: number;
}

export interface NamedCheck {
  /** Unique name, "group/what". */
  name: string;
  description: string;
  run(seed: number): CheckOutcome[];
}

const checks = new Map<string, NamedCheck>();

export function registerCheck(check: NamedCheck): void {
  if (checks.has(check.name))
    throw new Error(`registerCheck: a check named "${check.name}" is already registered`);
  checks.set(check.name, check);
}

export function listChecks(): NamedCheck[] {
  return [...checks.values()];
}

/** Outcome of a Taylor test, named. */
export function taylorOutcome(name: string, r: TaylorResult): CheckOutcome {
  return {
    name,
    kind: "taylor",
    pass: r.pass,
    slope0: r.slope0,
    slope1: r.slope1,
    slopes0: r.slopes0,
    slopes1: r.slopes1,
    h: r.h,
    exact: r.exact,
  };
}

/** Outcome of an adjoint test, named. */
export function adjointOutcome(name: string, r: AdjointResult): CheckOutcome {
  return { name, kind: "adjoint", pass: r.pass, relErr: r.relErr };
}

export interface CheckReport {
  pass: boolean;
  outcomes: CheckOutcome[];
}

/** Run every registered check whose name contains one of `filters` (all when empty). A check that
 *  throws counts as a failure (its message becomes the outcome's name suffix). */
export function runChecks(filters: readonly string[] = [], seed = 1): CheckReport {
  const outcomes: CheckOutcome[] = [];
  for (const c of checks.values()) {
    if (filters.length > 0 && !filters.some((f) => c.name.includes(f))) continue;
    try {
      outcomes.push(...c.run(seed));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      outcomes.push({ name: `${c.name} threw: ${msg}`, kind: "adjoint", pass: false });
    }
  }
  return { pass: outcomes.length > 0 && outcomes.every((o) => o.pass), outcomes };
}
