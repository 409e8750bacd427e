/**
 * Loading the compiled addon (Node only). build/Release/gnvpro_kernels.node sits three folders above
 * both src/kernels/native/ (run through tsx) and dist/kernels/native/ (compiled).
 */
import { createRequire } from "node:module";
import type { Addon } from "./addon.js";

export const ADDON_PATH = new URL("../../../build/Release/gnvpro_kernels.node", import.meta.url);

/** The addon (at GNVPRO_ADDON if set, else ADDON_PATH), or the reason it could not be loaded. */
export function loadAddon(): { addon: Addon } | { error: string } {
  const path = process.env.GNVPRO_ADDON || ADDON_PATH.pathname;
  try {
    const require = createRequire(import.meta.url);
    const addon = require(path) as Addon;
    if (typeof addon.dgemm !== "function") return { error: `${path} is not the gnvpro addon` };
    return { addon };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { error: msg };
  }
}
