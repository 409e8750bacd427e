import type { Command } from "commander";
import { kernels } from "../../kernels/index.js";
import { runChecks, type CheckReport } from "../../check/all.js";

export interface CheckDerivativesOptions {
  json?: boolean;
  filter?: string[];
  seed?: string;
}

function fmt(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? "—" : x.toFixed(3);
}

export function formatReport(r: CheckReport): string {
  const lines = r.outcomes.map((o) => {
    const status = o.pass ? "ok  " : "FAIL";
    if (o.kind === "taylor")
      return `${status} ${o.name.padEnd(52)} slopes ${fmt(o.slope0)} / ${o.exact ? "exact (linear)" : fmt(o.slope1)}`;
    return `${status} ${o.name.padEnd(52)} rel. error ${o.relErr === undefined ? "—" : o.relErr.toExponential(2)}`;
  });
  const nFail = r.outcomes.filter((o) => !o.pass).length;
  lines.push(`${r.outcomes.length} checks, ${nFail} failed`);
  return lines.join("\n") + "\n";
}

export function register(program: Command): void {
  program
    .command("check-derivatives")
    .description("Taylor and adjoint tests of every layer, the standard networks and the objectives")
    .option("--json", "print JSON")
    .option("--filter <substring...>", "only checks whose name contains one of these")
    .option("--seed <n>", "random seed", "1")
    .action((opts: CheckDerivativesOptions) => {
      const seed = Number(opts.seed ?? "1");
      if (!Number.isInteger(seed))
        throw new Error(`check-derivatives: --seed must be an integer, got ${opts.seed}`);
      const report = runChecks(opts.filter ?? [], seed);
      if (report.outcomes.length === 0)
        throw new Error(`check-derivatives: no check matches ${JSON.stringify(opts.filter)}`);
      if (opts.json)
        process.stdout.write(
          JSON.stringify({ backend: kernels().name, seed, pass: report.pass, checks: report.outcomes }) +
            "\n",
        );
      else process.stdout.write(formatReport(report));
      if (!report.pass) process.exitCode = 1;
    });
}
