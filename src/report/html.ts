/**
 * The self-contained HTML report: one file, plots inline as SVG, styles inline, no script, no
 * external reference of any kind (it opens offline, from an e-mail attachment or a CI artefact).
 */

export interface Table {
  columns: string[];
  rows: string[][];
  /** Cells of these columns are right-aligned (numbers). */
  numeric?: boolean[];
  notes?: string[];
}

export interface Section {
  title: string;
  /** Introductory text (plain text, escaped). */
  text?: string;
  table?: Table;
  /** An inline SVG document (our own renderer's output). */
  svg?: string;
  caption?: string;
}

export interface ReportInput {
  title: string;
  /** One paragraph under the title (plain text). */
  lead?: string;
  /** The data's provenance. */
  provenance: { kind: string; description: string };
  sections: Section[];
  /** Every setting of the run (nested objects allowed); shown as a table of dotted keys. */
  settings: Record<string, unknown>;
  /** Machine, backend, versions. */
  machine: Record<string, string>;
  generatedAt: string;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function flatten(obj: unknown, prefix: string, out: [string, string][]): void {
  if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) {
    const entries = Object.entries(obj as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.push([prefix, "{}"]);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(obj) && obj.every((v) => v === null || typeof v !== "object")) {
    out.push([prefix, obj.map((v) => String(v)).join(", ")]);
  } else if (Array.isArray(obj)) {
    obj.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else {
    out.push([prefix, obj === undefined ? "" : String(obj)]);
  }
}

/** A nested settings object as [dotted key, value] rows. */
export function settingsRows(settings: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  flatten(settings, "", out);
  return out;
}

function tableHtml(t: Table): string {
  const head = t.columns
    .map((c, i) => `<th${t.numeric?.[i] ? ' class="num"' : ""}>${escapeHtml(c)}</th>`)
    .join("");
  const body = t.rows
    .map(
      (r) =>
        "<tr>" +
        r.map((c, i) => `<td${t.numeric?.[i] ? ' class="num"' : ""}>${escapeHtml(c)}</td>`).join("") +
        "</tr>",
    )
    .join("\n");
  const notes = (t.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n");
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>\n${notes}`;
}

/** Strip the XML prolog/doctype so the SVG can sit inline in HTML. */
function inlineSvg(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*>\s*/, "").replace(/<!DOCTYPE[^>]*>\s*/i, "");
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1180px;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}.scroll{overflow-x:auto}
.prov{display:inline-block;padding:.15em .6em;border-radius:.8em;background:#e8f0fe;border:1px solid #9ab;font-weight:600}
.prov.synthetic{background:#fff3cd;border-color:#d9b44a}.prov.real{background:#e6f4ea;border-color:#7b7}
figure{margin:1em 0;overflow-x:auto}figcaption{font-size:.9em;color:#555}p.note{font-size:.88em;color:#555;margin:.2em 0}
.settings td:first-child{font-family:ui-monospace,monospace;white-space:nowrap}
footer{margin-top:3em;font-size:.85em;color:#777}
`;

export function renderReportHtml(r: ReportInput): string {
  const provClass = /synthetic/i.test(r.provenance.kind)
    ? "synthetic"
    : /real/i.test(r.provenance.kind)
      ? "real"
      : "";
  const out: string[] = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(r.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(r.title)}</h1>`,
  ];
  if (r.lead) out.push(`<p>${escapeHtml(r.lead)}</p>`);
  out.push(
    `<p>Data: <span class="prov ${provClass}">${escapeHtml(r.provenance.kind)}</span> ${escapeHtml(r.provenance.description)}</p>`,
  );
  for (const s of r.sections) {
    out.push(`<h2>${escapeHtml(s.title)}</h2>`);
    if (s.text) for (const para of s.text.split(/\n\n+/)) out.push(`<p>${escapeHtml(para)}</p>`);
    if (s.table) out.push(tableHtml(s.table));
    if (s.svg) {
      out.push(`<figure>${inlineSvg(s.svg)}`);
      if (s.caption) out.push(`<figcaption>${escapeHtml(s.caption)}</figcaption>`);
      out.push("</figure>");
    } else if (s.caption) out.push(`<p class="note">${escapeHtml(s.caption)}</p>`);
  }
  out.push("<h2>Settings</h2>", '<table class="settings"><tbody>');
  for (const [k, v] of settingsRows(r.settings))
    out.push(`<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`);
  out.push("</tbody></table>");
  out.push("<h2>Machine, backend and versions</h2>", '<table class="settings"><tbody>');
  for (const [k, v] of Object.entries(r.machine))
    out.push(`<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`);
  out.push("</tbody></table>");
  out.push(
    `<footer>Generated by gnvpro at ${escapeHtml(r.generatedAt)}. This file is self-contained.</footer>`,
  );
  out.push("</body></html>");
  return out.join("\n") + "\n";
}

/**
 * References in an HTML/SVG text that would need the network or another file: src/href attributes
 * (other than fragments and data: URIs), CSS url(...) and @import, and <script>, <link>, <iframe>,
 * <object>, <embed> elements. XML namespace declarations (xmlns="http://www.w3.org/...") are
 * identifiers, not references, and are not reported. Empty means self-contained.
 */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  const attr = /\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
  for (let m = attr.exec(html); m !== null; m = attr.exec(html)) {
    const v = (m[1] ?? m[2] ?? m[3] ?? "").trim();
    if (v.startsWith("#") || v.startsWith("data:")) continue;
    found.push(m[0]);
  }
  const css = /url\(\s*(['"]?)([^)'"]*)\1\s*\)|@import\b[^;]*/gi;
  for (let m = css.exec(html); m !== null; m = css.exec(html)) {
    if (m[0].startsWith("@import")) found.push(m[0]);
    else if (!m[2].startsWith("#") && !m[2].startsWith("data:")) found.push(m[0]);
  }
  const tags = /<\s*(script|link|iframe|object|embed|base)\b[^>]*>/gi;
  for (let m = tags.exec(html); m !== null; m = tags.exec(html)) found.push(m[0]);
  return found;
}
