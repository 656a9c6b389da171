/** Bounded reads of files a repository or a user controls (manifests, configs, modules read for one fact). */
import { readFile, stat } from 'node:fs/promises';

/** The text of `file` when it is a regular file of at most `maxBytes`; undefined when it is missing, larger, not a
 *  file, or unreadable. Never throws. */
export async function readSmallFile(file: string, maxBytes: number): Promise<string | undefined> {
  try {
    const st = await stat(file);
    return st.isFile() && st.size <= maxBytes ? await readFile(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
