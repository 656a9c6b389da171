/** Small JSON type guards shared by the trace and log parsers. Pure. */
export type Obj = Record<string, unknown>;

export function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
export function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}
export function isStringRecord(x: unknown): x is Record<string, string> {
  return isObject(x) && Object.values(x).every((v) => typeof v === 'string');
}
export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}
