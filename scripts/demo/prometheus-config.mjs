// Renders demo/prometheus.yml for one demo run: the actual service ports and an absolute rule path.
// The template itself stays valid (defaults 8000/3000, rules next to it) so promtool can check it.

/**
 * @param {string} template contents of demo/prometheus.yml
 * @param {{pythonPort: number, nodePort: number, rulesPath: string}} opts
 * @returns {string}
 */
export function renderPrometheusConfig(template, { pythonPort, nodePort, rulesPath }) {
  let cfg = template;
  const swap = (from, to) => {
    if (cfg.split(from).length !== 2) throw new Error(`demo/prometheus.yml: expected exactly one ${from}`);
    cfg = cfg.replace(from, to);
  };
  swap("'127.0.0.1:8000'", `'127.0.0.1:${pythonPort}'`);
  swap("'127.0.0.1:3000'", `'127.0.0.1:${nodePort}'`);
  swap('  - rules/*.yml', `  - ${rulesPath}`);
  return cfg;
}
