/**
 * Label maps (segmentation: the true and predicted class of every pixel) as compact SVG.
 *
 * A Vega-Lite heatmap spends one <path> per pixel (4.4 MB for 145 × 145); here each class is one
 * <path> of horizontal runs, so a map costs a few tens of kilobytes and stays inline in the report.
 */

/** A map of height × width pixels, row-major (index y·width + x); class ids ≥ 0, −1 = unlabelled. */
export interface LabelMap {
  title: string;
  height: number;
  width: number;
  labels: Int32Array;
}

/** 20 distinguishable colours (class k takes colour k mod 20), shared by every label-map picture. */
export const CLASS_COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#aec7e8",
  "#ffbb78",
  "#98df8a",
  "#ff9896",
  "#c5b0d5",
  "#c49c94",
  "#f7b6d2",
  "#dbdb8d",
  "#9edae5",
  "#393b79",
];
const UNLABELLED = "#f2f2f2";

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Path data of the pixels of class k: one "M x y h w v 1 h -w z" per horizontal run. */
function runs(map: LabelMap, scale: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let y = 0; y < map.height; y++) {
    let x = 0;
    while (x < map.width) {
      const k = map.labels[y * map.width + x];
      let e = x + 1;
      while (e < map.width && map.labels[y * map.width + e] === k) e++;
      let list = out.get(k);
      if (!list) out.set(k, (list = []));
      list.push(`M${x * scale} ${y * scale}h${(e - x) * scale}v${scale}h${-(e - x) * scale}z`);
      x = e;
    }
  }
  return out;
}

/**
 * Several maps of the same size side by side, with a class legend underneath. `classNames[k]` names
 * class k (default "class k"). Pixels with label < 0 are drawn light grey (unlabelled).
 */
export function labelMapsSvg(
  maps: readonly LabelMap[],
  classNames?: readonly string[],
  pixel = 2,
  perRow = 3,
): string {
  if (maps.length === 0) throw new Error("labelMapsSvg: no maps given");
  const { height, width } = maps[0];
  for (const m of maps) {
    if (m.height !== height || m.width !== width || m.labels.length !== height * width)
      throw new Error(
        `labelMapsSvg: map "${m.title}" is ${m.height}×${m.width} with ${m.labels.length} labels, expected ${height}×${width}`,
      );
  }
  let nClasses = 0;
  for (const m of maps) for (const v of m.labels) if (v + 1 > nClasses) nClasses = v + 1;
  const gap = 16;
  const top = 22;
  const mapW = width * pixel;
  const mapH = height * pixel;
  const legendCols = 4;
  const legendRowH = 16;
  const legendRows = Math.ceil(nClasses / legendCols);
  const cols = Math.max(1, Math.min(perRow, maps.length));
  const rowsOfMaps = Math.ceil(maps.length / cols);
  const cellH = top + mapH + 10;
  const totalW = Math.max(cols * (mapW + gap) - gap, legendCols * 215) + 20;
  const totalH = rowsOfMaps * cellH + 4 + legendRows * legendRowH + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalW}" height="${totalH}" viewBox="0 0 ${totalW} ${totalH}" font-family="sans-serif" font-size="12">`,
    `<rect width="${totalW}" height="${totalH}" fill="white"/>`,
  ];
  maps.forEach((m, i) => {
    const ox = 10 + (i % cols) * (mapW + gap);
    const oy = Math.floor(i / cols) * cellH;
    parts.push(`<text x="${ox}" y="${oy + 15}" font-weight="bold">${escapeXml(m.title)}</text>`);
    parts.push(`<g transform="translate(${ox},${oy + top})" shape-rendering="crispEdges">`);
    for (const [k, ds] of runs(m, pixel)) {
      const fill = k < 0 ? UNLABELLED : CLASS_COLOURS[k % CLASS_COLOURS.length];
      parts.push(`<path fill="${fill}" d="${ds.join("")}"/>`);
    }
    parts.push(`<rect width="${mapW}" height="${mapH}" fill="none" stroke="#888"/></g>`);
  });
  const ly = rowsOfMaps * cellH + 4;
  for (let k = 0; k < nClasses; k++) {
    const lx = 10 + (k % legendCols) * 215;
    const yy = ly + Math.floor(k / legendCols) * legendRowH;
    const name = classNames?.[k] ?? `class ${k}`;
    parts.push(
      `<rect x="${lx}" y="${yy}" width="11" height="11" fill="${CLASS_COLOURS[k % CLASS_COLOURS.length]}"/>`,
    );
    parts.push(`<text x="${lx + 15}" y="${yy + 10}">${escapeXml(name)}</text>`);
  }
  parts.push("</svg>");
  return parts.join("\n");
}
