/**
 * A JS handler that is an array of middleware (`router.post('/x', createListing)` with `export const createListing =
 * [...rules(), async (req, res) => …]`): Express runs each element in turn, so the wrapper style's
 * `observeRoute('POST', '/x', createListing)` would call the array as a function and break every request. Found from the
 * name's declaration in the route file, or in the relative module it is imported from (its own name or `as` alias).
 * Text-level and bounded: one import followed, read through the caller's `read` (bounded, cached per plan). Never throws.
 */
import { jsImportedName, type ReadModule } from './moduleImports';

const escape = (s: string): string => s.replace(/[$]/g, '\\$');

function declaresArray(text: string, name: string): boolean {
  return new RegExp(`(?:^|[^\\w$.])(?:const|let|var)\\s+${escape(name)}\\s*(?::[^=]*)?=\\s*\\[`, 'm').test(text);
}

/** Whether `name`, used as a route's handler in `file` (text `text`), is an array of middleware; `read` gives a module's
 *  text, undefined when there is no such file. */
export async function isMiddlewareArray(file: string, text: string, name: string, read: ReadModule): Promise<boolean> {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return false;
  if (declaresArray(text, name)) return true;
  const other = await jsImportedName(file, text, name, read);
  return !!other && declaresArray(other.text, other.name);
}
