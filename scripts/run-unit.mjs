// Unit tests: test/unit/**/*.test.ts, pure and fast (no Prometheus, Python, tsc or CLI). Arguments filter by path.
import { runTests } from './run-tests.mjs';

runTests('unit', process.argv.slice(2));
