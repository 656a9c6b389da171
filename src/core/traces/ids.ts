/** Trace ids, apart from the trace model so the browser bundles (logs panel) can use them without Node's Buffer. */

/** Lowercase hex trace id of 16 or 32 digits, not all zero — else undefined. Takes untrusted values of any type. */
export function asTraceId(s: unknown): string | undefined {
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{16}$|^[0-9a-fA-F]{32}$/.test(s) || /^0+$/.test(s)) return undefined;
  return s.toLowerCase();
}
