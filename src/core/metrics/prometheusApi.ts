/**
 * The Prometheus HTTP API as the metrics engine sees it: the data shapes (validated at the boundary by the client in
 * backends/prometheus.ts) and the narrow set of queries the engine asks. Pure.
 */
import type { MetricNameSource } from './detect';

export type Labels = Record<string, string>;
/** [unix seconds, value as string] as Prometheus sends it. */
export type SamplePair = [number, string];

export interface VectorSample {
  metric: Labels;
  value: SamplePair;
}
export interface MatrixSeries {
  metric: Labels;
  values: SamplePair[];
}
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export interface Exemplar {
  labels: Labels;
  value: string;
  timestamp: number;
}
export interface ExemplarSeries {
  seriesLabels: Labels;
  exemplars: Exemplar[];
}
export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}
export interface Alert {
  labels: Labels;
  annotations: Labels;
  state: 'firing' | 'pending' | 'inactive' | string;
  activeAt?: string;
  value?: string;
}

export interface PromResult<T> {
  data: T;
  warnings: string[];
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}
/** Time: unix seconds (number) or RFC3339 string. */
export type PromTime = number | string;

/** The queries the metrics engine needs; backends/prometheus.ts's PrometheusClient implements them. */
export interface PrometheusQueries extends MetricNameSource {
  queryVector(expr: string, opts?: CallOptions & { time?: PromTime }): Promise<PromResult<VectorSample[]>>;
  queryRange(
    expr: string,
    opts: CallOptions & { start: PromTime; end: PromTime; step: number | string },
  ): Promise<PromResult<MatrixSeries[]>>;
  queryExemplars(expr: string, opts: CallOptions & { start: PromTime; end: PromTime }): Promise<PromResult<ExemplarSeries[]>>;
  alerts(opts?: CallOptions): Promise<PromResult<Alert[]>>;
  /** Prometheus UI graph link for "Open in Prometheus". */
  graphUrl(expr: string, opts?: { time?: number; range?: string }): string;
  /** The error a caller that went away is answered with. */
  cancelledError(message: string): Error;
}

/** Parses a Prometheus sample value; NaN/±Inf → null. */
export function sampleValue(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
