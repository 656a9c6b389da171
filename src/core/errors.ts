/** The message of anything thrown: an Error's message, else the value as a string. Pure. */
export function errorMessage(e: unknown): string {
  return errorMessage(e);
}
