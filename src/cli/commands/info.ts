import type { Command } from "commander";
import { kernels } from "../../kernels/index.js";
import { VERSION } from "../../version.js";

export interface InfoReport {
  version: string;
  backend: string;
  blas: { name: string; version: string; threads: number };
  node: string;
}

export function infoReport(): InfoReport {
  const k = kernels();
  return { version: VERSION, backend: k.name, blas: k.info(), node: process.version };
}

export function register(program: Command): void {
  program
    .command("info")
    .description("print the version, the kernel backend and the BLAS in use")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const r = infoReport();
      if (opts.json) process.stdout.write(JSON.stringify(r) + "\n");
      else
        process.stdout.write(
          `gnvpro ${r.version}\nbackend: ${r.backend}\nblas: ${r.blas.name} ${r.blas.version} (${r.blas.threads} threads)\nnode: ${r.node}\n`,
        );
    });
}
