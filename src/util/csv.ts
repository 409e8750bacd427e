/**
 * Numeric CSV files: one row per line, fields separated by a delimiter (default ","), an optional
 * header row of column names. Values are parsed as float64 ("nan", "inf", "-inf" accepted);
 * written with JavaScript's shortest round-trip representation, so write → read is exact.
 * Data are row-major rows×cols (samples as rows, as on disk).
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface CsvTable {
  /** Column names, or null when the file has no header row. */
  header: string[] | null;
  rows: number;
  cols: number;
  /** Row-major rows×cols values. */
  data: Float64Array;
}

export interface CsvReadOptions {
  /** true: the first line is a header; false: it is data; "auto" (default): a header iff some field is not a number. */
  header?: boolean | "auto";
  delimiter?: string;
}

function parseNumber(s: string): number {
  const t = s.trim();
  if (t === "") return NaN;
  const lower = t.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  // Number() accepts hex/binary/octal literals and whitespace; we allow only decimal notation.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

function isNumberField(s: string): boolean {
  const t = s.trim().toLowerCase();
  return t === "nan" || !Number.isNaN(parseNumber(s));
}

/** Split a header line, honouring double-quoted names (which may contain the delimiter). */
function splitHeader(line: string, delim: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === "") {
      quoted = true;
      cur = "";
    } else if (ch === delim) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  out.push(quoted ? cur : cur.trim());
  return out;
}

/** Parse CSV text; `name` names the source in error messages. */
export function parseCsv(text: string, name = "<string>", opts: CsvReadOptions = {}): CsvTable {
  const delim = opts.delimiter ?? ",";
  if (delim.length !== 1) throw new Error(`readCsv: delimiter must be one character, got '${delim}'`);
  const lines = text.split(/\r?\n/);
  // Drop the trailing empty line(s) that a final newline produces; blank lines inside are errors.
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === "") last--;
  let first = 0;
  if (text.charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  let header: string[] | null = null;
  if (last > 0) {
    const fields = lines[0].split(delim);
    const want = opts.header ?? "auto";
    const isHeader = want === "auto" ? !fields.every((f) => isNumberField(f)) : want;
    if (isHeader) {
      header = splitHeader(lines[0], delim);
      first = 1;
    }
  } else if (opts.header === true) {
    throw new Error(`readCsv: ${name}: empty file but a header row was expected`);
  }
  let cols = header !== null ? header.length : -1;
  const values: number[] = [];
  let rows = 0;
  for (let li = first; li < last; li++) {
    const line = lines[li];
    if (line.trim() === "") throw new Error(`readCsv: ${name}:${li + 1}: empty line inside the data`);
    const fields = line.split(delim);
    if (cols < 0) cols = fields.length;
    if (fields.length !== cols)
      throw new Error(`readCsv: ${name}:${li + 1}: expected ${cols} fields, found ${fields.length}`);
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      const v = parseNumber(f);
      if (Number.isNaN(v) && f.trim().toLowerCase() !== "nan")
        throw new Error(`readCsv: ${name}:${li + 1}: field ${j + 1} is not a number: '${f.trim()}'`);
      values.push(v);
    }
    rows++;
  }
  return { header, rows, cols: Math.max(cols, 0), data: Float64Array.from(values) };
}

/** Read a numeric CSV file. */
export function readCsv(file: string, opts: CsvReadOptions = {}): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`readCsv: cannot read ${file}: ${(err as Error).message}`);
  }
  return parseCsv(text, file, opts);
}

export interface CsvWriteOptions {
  header?: readonly string[];
  delimiter?: string;
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return String(v);
}

/** Format row-major rows×cols data as CSV text. */
export function formatCsv(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: CsvWriteOptions = {},
): string {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0)
    throw new Error(`writeCsv: rows and cols must be non-negative integers, got ${rows}×${cols}`);
  if (data.length !== rows * cols)
    throw new Error(`writeCsv: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  const delim = opts.delimiter ?? ",";
  const parts: string[] = [];
  if (opts.header !== undefined) {
    if (opts.header.length !== cols)
      throw new Error(`writeCsv: header has ${opts.header.length} names for ${cols} columns`);
    parts.push(
      opts.header
        .map((h) => (h.includes(delim) || h.includes('"') ? `"${h.replace(/"/g, '""')}"` : h))
        .join(delim),
    );
  }
  const row = new Array<string>(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) row[j] = formatNumber(data[i * cols + j]);
    parts.push(row.join(delim));
  }
  return parts.join("\n") + "\n";
}

/** Write row-major rows×cols data to a CSV file. */
export function writeCsv(
  file: string,
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: CsvWriteOptions = {},
): void {
  const text = formatCsv(data, rows, cols, opts);
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new Error(`writeCsv: cannot write ${file}: ${(err as Error).message}`);
  }
}
