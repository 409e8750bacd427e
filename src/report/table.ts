/** Plain-text tables for the terminal and number formatting shared with the HTML report. */

/** A compact, stable rendering of a number: 4 significant digits, exponent form when tiny/huge. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "—";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) {
    if (Number.isInteger(v) && a < 1e6) return String(v);
    return String(Number(v.toPrecision(digits)));
  }
  return v.toExponential(digits - 1);
}

/** Columns aligned with spaces; numeric columns right-aligned. */
export function textTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  numeric?: readonly boolean[],
): string {
  const w = columns.map((c, j) => Math.max(c.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, j) => (numeric?.[j] ? (c ?? "").padStart(w[j]) : (c ?? "").padEnd(w[j])))
      .join("  ")
      .trimEnd();
  return [line(columns), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n") + "\n";
}
