/**
 * Generator parameters: zod validation with one error listing every bad option.
 */
import type { z } from "zod";

/** Parse `raw` with `schema`; throw `<generator>: invalid parameters: a: ...; b: ...` on failure. */
export function parseParams<S extends z.ZodType>(generator: string, schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => {
    const path = i.path.length > 0 ? i.path.join(".") : "(parameters)";
    return `${path}: ${i.message}`;
  });
  throw new Error(`${generator}: invalid parameters: ${msgs.join("; ")}`);
}
