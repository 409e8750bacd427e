#!/usr/bin/env node
/**
 * The gnvpro command line. Each command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them together.
 */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { register as registerInfo } from "./commands/info.js";
import { register as registerData } from "./commands/data.js";
import { register as registerCheckDerivatives } from "./commands/check-derivatives.js";
import { register as registerTrain } from "./commands/train.js";
import { register as registerPredict } from "./commands/predict.js";
import { register as registerCompare } from "./commands/compare.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("gnvpro")
    .description("Train neural networks with GNvpro (Gauss–Newton variable projection)")
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerInfo(program);
  registerData(program);
  registerCheckDerivatives(program);
  registerTrain(program);
  registerPredict(program);
  registerCompare(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`gnvpro: ${msg}\n`);
    process.exitCode = process.exitCode || 1;
  }
}

// Run only when executed as a program, not when imported by tests.
const invoked = process.argv[1] ?? "";
if (invoked.endsWith("main.js") || invoked.endsWith("main.ts")) void main();
