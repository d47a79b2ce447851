/** The defined values of `values`: a detail reader reports only the facts it found. */
export function pick(values: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in values) if (values[key] !== undefined) out[key] = values[key];
  return out;
}
