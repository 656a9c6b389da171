/** What the cross-file resolution (./resolve) is told about the project beyond its files' analyses. Types only. */
import type { AliasScope } from './moduleAliases';
import type { DenoImportMap } from './denoImports';
import type { PackageScope } from './packageImports';
import type { PathConfig } from './tsconfigPaths';
import type { InstalledPackages, WorkspacePackage } from './workspacePackages';

export interface ResolveOptions {
  /** Root used to shorten file names in fullPathReason messages (default: common directory of the files). */
  root?: string;
  /** TypeScript/JavaScript path aliases and baseUrl of each tsconfig/jsconfig (a file uses the nearest above it).
   *  Options of several workspace folders merge by concatenating these arrays. */
  pathConfigs?: PathConfig[];
  /** Named packages of the workspace (monorepo siblings imported by name). */
  workspacePackages?: WorkspacePackage[];
  /** The registry packages each package.json depends on (an import of one names no project module). */
  installedPackages?: InstalledPackages[];
  /** package.json files above the files that load a `#` name, with their `imports` (Node subpath imports). */
  packageScopes?: PackageScope[];
  /** package.json files that declare `_moduleAliases` (module-alias). */
  aliasScopes?: AliasScope[];
  /** deno.json / deno.jsonc `imports` (or the `importMap` file they name) of each folder that has one. */
  denoImportMaps?: DenoImportMap[];
  /** Entry points the configuration names (package.json scripts, wrangler main…), as stems (./entryFiles). */
  entryStems?: string[];
  /** Python modules the configuration runs (`uvicorn app.main:app`, `FLASK_APP=hello`), dotted (./pyEntries). */
  pyEntryModules?: string[];
  /** Some Python file of the workspace was not read (scan budget, size, encoding): no Python module is dead code. */
  pyPartial?: true;
  /** JS/TS files of the workspace the scan did not read (size, budget, encoding): they may load any module (./deadCodeGuards). */
  jsUnread?: string[];
  /** Folders holding a package.json, deno.json, wrangler or Docker configuration: each project's own folder. */
  projectDirs?: string[];
}
