/**
 * From workspace folders to the generator's input: scan each folder's routes, inspect its code, and settle
 * its metrics convention — the one asked for, else the one Prometheus shows for `job="<service>"`, else the
 * one the code names, else the one Instrument Route writes (and say so).
 */
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { detectConvention, type MetricNameSource } from '../metrics/detect';
import { inflightMetric } from '../dashboards/panels';
import { getConvention, type ConventionConfig } from '../metrics/conventions';
import { scanWorkspace } from '../routes/workspace';
import { isStaticRoute, routeLabel } from '../routes/route';
import { inspectService } from './inspect';
import { serviceName, type ScaffoldService } from './scaffold';

export interface FolderSpec {
  dir: string;
  /** Service name (default: the folder name). */
  name?: string;
  /** This folder's convention (overrides detection, not PlanOptions.convention). */
  convention?: ConventionConfig;
  /** Label matchers to detect the convention under (default `job="<name>"`). */
  selector?: string;
}

export interface PlanOptions {
  /** Output directory (build contexts are relative to it). */
  out: string;
  /** A convention for every service instead of detecting one. */
  convention?: ConventionConfig;
  /** A Prometheus to detect conventions from. */
  prometheus?: MetricNameSource;
  exclude?: string[];
  signal?: AbortSignal;
}

export const FALLBACK_CONVENTION: ConventionConfig = { name: 'telemetry-lens' };

async function settleConvention(
  name: string,
  folder: FolderSpec,
  sourceHint: { config: ConventionConfig; reason: string } | undefined,
  opts: PlanOptions,
): Promise<{ config: ConventionConfig; note?: string }> {
  const chosen = opts.convention ?? folder.convention;
  // the code may say more of the chosen convention (a library's prefix, its route label): kept unless chosen too
  if (chosen) return { config: sourceHint?.config.name === chosen.name ? { ...sourceHint.config, ...chosen } : chosen };
  let why = 'no Prometheus to ask';
  if (opts.prometheus) {
    try {
      const d = await detectConvention(opts.prometheus, folder.selector || `job="${name}"`, opts.signal ? { signal: opts.signal } : {});
      if (d.config) return { config: d.config, note: `${name}: convention ${d.config.name} (${d.reason})` };
      why = d.reason;
    } catch (e) {
      why = `Prometheus is not reachable (${errorMessage(e)})`;
    }
  }
  if (sourceHint) return { config: sourceHint.config, note: `${name}: convention ${sourceHint.config.name} because ${sourceHint.reason}` };
  return {
    config: FALLBACK_CONVENTION,
    note: `${name}: the metrics convention could not be detected (${why}); using ${FALLBACK_CONVENTION.name}, the one Instrument Route writes (http_requests_total{method,route,status}). Pass --convention to choose another.`,
  };
}

export async function planServices(folders: FolderSpec[], opts: PlanOptions): Promise<{ services: ScaffoldService[]; notes: string[] }> {
  const services: ScaffoldService[] = [];
  const notes: string[] = [];
  for (const f of folders) {
    const name = serviceName(f.name ?? path.basename(path.resolve(f.dir)));
    const scan = await scanWorkspace(f.dir, {
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    // routes whose path is source text (`prefix + 'tags'`) can be no route label: Instrument Route refuses them too
    const routes = scan.routes.filter(isStaticRoute);
    const dynamic = scan.routes.filter((r) => !isStaticRoute(r));
    if (dynamic.length) {
      notes.push(
        `${name}: ${dynamic.length} route${dynamic.length === 1 ? '' : 's'} left out, the path not known statically (e.g. ${routeLabel(dynamic[0]!)}).`,
      );
    }
    const facts = await inspectService(f.dir, scan.routes);
    const { config, note } = await settleConvention(name, f, facts.convention, opts);
    if (note) notes.push(note);
    if (!facts.hasDockerfile) notes.push(`${name}: no Dockerfile in ${f.dir}; docker compose needs one to build the service.`);
    const conv = getConvention(config);
    const gauge = inflightMetric(conv, config.prefix);
    const context = path.relative(path.resolve(opts.out), path.resolve(f.dir)).split(path.sep).join('/') || '.';
    services.push({
      name,
      context,
      language: facts.language,
      port: facts.port,
      convention: config,
      routes,
      // starlette_exporter's middleware always exports its gauge; the others' is defined in the service's code
      inflight: !!gauge && (conv.name === 'starlette-exporter' || facts.text.includes(gauge)),
      metricsPath: '/metrics',
    });
  }
  return { services, notes };
}
