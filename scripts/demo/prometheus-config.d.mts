export function renderPrometheusConfig(template: string, opts: { pythonPort: number; nodePort: number; rulesPath: string }): string;
