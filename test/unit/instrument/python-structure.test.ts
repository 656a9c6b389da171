/**
 * OpenTelemetry for Python is not installed here, so the span code of every instrumented Python handler is also
 * checked structurally on the tree-sitter syntax tree: the whole original body runs inside
 * `with tracer.start_as_current_span("<METHOD> <route>") as span:`, `http.route` is set first, and the `except`
 * clause records the exception, sets ERROR status and re-raises; the `finally` clause feeds both metrics.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { loadParsers, type TS } from '../../../src/core/parsing/treeSitter';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { CASES, loadCase } from '../../support/instrument/cases';
import { OPTS } from '../../support/instrument/helpers';

type Node = TS.Node;
const named = (n: Node | null | undefined) => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');

describe('instrumented Python span structure (tree-sitter)', () => {
  for (const c of CASES.filter((x) => x.input.endsWith('.py'))) {
    it(`${c.name}: every handler is wrapped in a span with exception recording and metrics in finally`, async () => {
      const { file, text, routes } = await loadCase(c);
      const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], OPTS);
      const out = applyEdits(text, plan.edits);
      const tree = (await loadParsers()).parser('python').parse(out)!;
      try {
        assert.equal(tree.rootNode.hasError, false);
        const defs = tree.rootNode.descendantsOfType('function_definition').filter((d): d is Node => !!d);
        for (const r of routes) {
          const fn = defs.find((d) => d.childForFieldName('name')?.text === r.handlerName)!;
          assert.ok(fn, r.handlerName ?? '');
          const body = named(fn.childForFieldName('body')).filter(
            (s) => !(s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string'),
          );
          const withs = body.filter((s) => s.type === 'with_statement');
          assert.equal(withs.length, 1, `${r.handlerName}: one with statement`);
          // nothing of the original body is left outside the span
          assert.deepEqual(body.slice(body.indexOf(withs[0]!) + 1), []);
          const item = withs[0]!.descendantsOfType('with_item')[0]!;
          const call = item.descendantsOfType('call')[0]!;
          assert.equal(call.childForFieldName('function')?.text, 'tracer.start_as_current_span');
          const method = r.methods.join('|');
          assert.equal(call.childForFieldName('arguments')?.text, `("${method} ${r.fullPath}")`);
          assert.equal(item.descendantsOfType('as_pattern_target')[0]?.text, 'span');
          const inner = named(withs[0]!.childForFieldName('body'));
          assert.equal(inner[0]?.text, `span.set_attribute("http.route", "${r.fullPath}")`);
          const tries = inner.filter((s) => s.type === 'try_statement');
          assert.equal(tries.length, 1);
          assert.equal(inner[inner.length - 1], tries[0]);
          const exc = named(tries[0]!).find((x) => x.type === 'except_clause')!;
          assert.match(exc.text, /^except Exception as e:/);
          const stmts = named(named(exc).find((x) => x.type === 'block')).map((x) => x.text);
          assert.deepEqual(stmts.slice(-3), ['span.record_exception(e)', 'span.set_status(Status(StatusCode.ERROR))', 'raise']);
          const fin = named(tries[0]!).find((x) => x.type === 'finally_clause')!;
          assert.match(fin.text, /HTTP_REQUEST_DURATION_SECONDS\.labels\([^)]*\)\.observe\(time\.perf_counter\(\) - _telemetry_start\)/);
          assert.match(fin.text, /HTTP_REQUESTS_TOTAL\.labels\([^)]*\)\.inc\(\)/);
        }
        // imports the span code needs, each once
        for (const imp of ['from opentelemetry import trace', 'from opentelemetry.trace import Status, StatusCode']) {
          assert.equal(out.split('\n').filter((l) => l === imp).length, 1, imp);
        }
        assert.equal(out.match(/^tracer = trace\.get_tracer\("telemetry-lens"\)$/gm)?.length, 1);
      } finally {
        tree.delete();
      }
    });
  }
});
