/**
 * Generated Loki answers whose only recording is AGPL-3.0 (not copied into this repository).
 */
import { fixture } from '../traces/helpers';

type Result = { data: { result: { metric?: Record<string, string>; stream?: Record<string, string> }[] } };

/**
 * Loki `/loki/api/v1/series` answer — shape of grafana/loki docs/sources/reference/loki-http-api.md
 * (series example; shape only): `{status: 'success', data: [{label: value, …}, …]}`, one flat string map per
 * distinct series. The label sets are those of the streams and metric series in the Apache-2.0 Loki recordings.
 */
export function lokiSeries(): { status: string; data: Record<string, string>[] } {
  const seen = new Map<string, Record<string, string>>();
  for (const f of ['query_range_matrix.json', 'query_vector.json', 'query_range_streams.json', 'query_range_streams_categorized.json']) {
    for (const r of fixture<Result>('loki', f).data.result) {
      const labels = r.metric ?? r.stream;
      if (labels) seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
    }
  }
  return { status: 'success', data: [...seen.values()] };
}
