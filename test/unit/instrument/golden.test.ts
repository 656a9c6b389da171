/**
 * Golden outputs per framework: the planned edits applied to each fixture equal `<name>.expected.<ext>`;
 * re-planning the output gives zero edits (idempotence); single-route plans only touch that handler.
 * Regenerate the expected files with UPDATE_GOLDEN=1 (then review the diff).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import type { Route } from '../../../src/core/routes/types';
import { CASES, detect, expectedPath, loadCase } from '../../support/instrument/cases';
import { FIXTURES, OPTS } from '../../support/instrument/helpers';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];

describe('instrumentation golden files', () => {
  for (const c of CASES) {
    it(`${c.name}: the route detector finds the expected routes`, async () => {
      const { file, text, routes } = await loadCase(c);
      const pick = (r: Route) => ({ methods: r.methods, fullPath: r.fullPath, line: r.line, handlerLine: r.handlerLine });
      assert.deepEqual(routes.map(pick), c.routes(text, file).map(pick));
    });

    it(`${c.name}: instruments every route as in ${expectedPath(c.input)}`, async () => {
      const { file, text, routes } = await loadCase(c);
      const plan = await planInstrumentFile(text, file, routes, ALL, OPTS);
      assert.equal(plan.refused, undefined, plan.refused);
      assert.deepEqual(plan.alreadyInstrumented, []);
      const out = applyEdits(text, plan.edits);
      const exp = path.join(FIXTURES, expectedPath(c.input));
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(exp, out);
      assert.equal(out, fs.readFileSync(exp, 'utf8'));
      // edits are sorted, non-overlapping, and pure insertions or whitespace-only replacements
      for (let i = 0; i < plan.edits.length; i++) {
        const e = plan.edits[i]!;
        if (i > 0) assert.ok(e.start >= plan.edits[i - 1]!.end, 'sorted, non-overlapping');
        assert.equal(text.slice(e.start, e.end).trim(), '', 'original code is never deleted');
      }
    });

    it(`${c.name}: planning again on the output yields no edits`, async () => {
      const exp = path.join(FIXTURES, expectedPath(c.input));
      const text = fs.readFileSync(exp, 'utf8');
      const routes = await detect(text, exp);
      const plan = await planInstrumentFile(text, exp, routes, ALL, OPTS);
      assert.equal(plan.refused, undefined, plan.refused);
      assert.deepEqual(plan.edits, []);
      assert.deepEqual(plan.alreadyInstrumented, ALL);
      for (const r of routes) {
        const one = await planInstrumentRoute(text, exp, r, ['span'], OPTS);
        assert.deepEqual(one.edits, []);
        assert.deepEqual(one.alreadyInstrumented, ['span']);
      }
    });

    it(`${c.name}: a single-route plan changes only that handler and the module header`, async () => {
      const { file, text, routes } = await loadCase(c);
      const [first, ...rest] = routes;
      const plan = await planInstrumentRoute(text, file, first!, ALL, OPTS);
      assert.equal(plan.refused, undefined, plan.refused);
      const out = applyEdits(text, plan.edits);
      // the other handlers are not instrumented yet: planning them still yields edits
      if (rest.length) {
        const more = await planInstrumentFile(out, file, (await detect(out, file)).slice(1), ALL, OPTS);
        assert.ok(more.edits.length > 0);
        assert.equal(more.refused, undefined);
        // the shared metrics are not declared twice
        const final = applyEdits(out, more.edits);
        const decl = /(?<!RegisteredMetric\()['"]http_requests_total['"],/g;
        assert.equal(final.match(decl)?.length, 1);
      }
    });
  }
});
