// Integration tests: test/integration/**/*.test.ts, against real Prometheus, Python, the TypeScript compiler, the
// frameworks and the CLI. Arguments filter by path.
import { runTests } from './run-tests.mjs';

runTests('integration', process.argv.slice(2));
