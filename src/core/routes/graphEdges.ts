/** The mount graph the resolver (resolve.ts) builds: each router's mounts, and the base paths they give its routes. */
import type { Val } from './model';
import type { Versioned } from './pyVersioning';

export interface Edge {
  parent: string; // entity key
  prefix: Val | null;
  /** instance: a factory's object is each instance its calls made (their prefix is already the object's own). */
  kind: 'include' | 'blueprint' | 'use' | 'register' | 'route' | 'base' | 'alias' | 'autoload' | 'instance' | 'collect';
  file: string;
  line: number;
  /** Fastify plugin wrapped in fastify-plugin: prefixes do not apply. */
  fp?: boolean;
  /** Extra prefix after the edge prefix (Fastify autoPrefix). */
  extra?: Val | null;
  /** autoload: its `options` the analysis cannot read whole (the plugin's `opts.prefix` is unknown). */
  optionsUnread?: string;
  /** collect: the prefix is a route collector's root, joined with each row's url as the collector does (./jsCollectors). */
  join?: 'path' | 'concat';
  /** The app fastapi-versioning serves by version (./pyVersioning): the prefix depends on each route's version. */
  ver?: Versioned;
}

export interface Base {
  path: string | null;
  reason?: string;
  /** Where a configured prefix on the way comes from (the outermost one). */
  source?: string;
  /** When path is null: the known part below the unknown prefix (for live inference). */
  tail?: string;
  /** The chain ends at a router that is never mounted (a second tree built only for the docs, dead code): its key. */
  dead?: string;
  /** Below a route collector's registration: its root, joined with the route's path as the collector does (emit). */
  collect?: { join: 'path' | 'concat'; root: string };
  /** Below an app fastapi-versioning serves by version: the version prefix goes at `at` of the path (./pyVersioning). */
  ver?: { v: Versioned; at: number };
}
