/**
 * Render a Vega-Lite specification to a standalone SVG string, offline (no canvas, no network).
 * Every plot of gnvpro (data show, compare reports) goes through this one function.
 */
import * as vega from "vega";
import { compile, version as vegaLiteVersion, type TopLevelSpec } from "vega-lite";

export type { TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Versions of the plotting libraries (for reports). */
export const PLOT_VERSIONS = { vega: vega.version, vegaLite: vegaLiteVersion } as const;
