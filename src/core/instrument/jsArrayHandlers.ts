/**
 * A JS handler that is an array of middleware (`router.post('/x', createListing)` with `export const createListing =
 * [...rules(), async (req, res) => …]`): Express runs each element in turn, so the wrapper style's
 * `observeRoute('POST', '/x', createListing)` would call the array as a function and break every request. Found from the
 * name's declaration in the route file, or in the relative module it is imported from (./moduleImports). Never throws.
 */
import { jsInitializerOf } from './common';
import { jsDeclaringModule, type ReadModule } from './moduleImports';

/** Whether `name`, used as a route's handler in `file` (text `text`), is an array of middleware; `read` gives a module's
 *  text, undefined when there is no such file. */
export async function isMiddlewareArray(file: string, text: string, name: string, read: ReadModule): Promise<boolean> {
  const d = await jsDeclaringModule(file, text, name, read);
  return d !== undefined && jsInitializerOf(d.text, d.name, true)?.startsWith('[') === true;
}
