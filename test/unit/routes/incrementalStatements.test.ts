/**
 * The incremental DocumentAnalyzer re-reads only the top-level statements an edit touched (the others keep their
 * mirror and query captures) and still gives exactly what a fresh analyzeFile gives: edits inside a handler, in a
 * decorator, adding and removing a router include, multi-change events, syntax broken then fixed, and random edits
 * of a larger generated file. Also the mirror itself: after edits, every mirror node reads like the node of a fresh
 * parse. Behaviour only: no timing assertions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers, type ParserSet, type TS } from '../../../src/core/parsing/treeSitter';
import { TreeMirror, type MirrorNode } from '../../../src/core/parsing/mirror';
import { analyzeFile, resolveRoutes } from '../../../src/core/routes/detector';
import { DocumentAnalyzer, type ContentChange } from '../../../src/core/routes/incremental';
import { apply, replace, rng } from './edits';
import { routeTemplate } from '../../../src/core/routes/route';

let parsers: ParserSet;
test.before(async () => {
  parsers = await loadParsers();
});

const PY_BLOCK = (i: number): string =>
  [
    `@router.get("/items${i}/{item_id}")`,
    `async def read_item_${i}(item_id: int):`,
    `    item = await db.fetch_one(item_id)`,
    `    return item`,
    '',
    '',
    `def helper_${i}(values):`,
    `    return sum(values)`,
    '',
  ].join('\n');
const PY_HEAD = 'from fastapi import APIRouter, FastAPI\n\napp = FastAPI()\nrouter = APIRouter(prefix="/api")\n\n';
const JS_BLOCK = (i: number): string =>
  [
    `router.get('/items${i}/:id', auth, async (req, res) => {`,
    `  const item = await db.fetchOne(req.params.id);`,
    `  res.json(item);`,
    `});`,
    `router.post('/items${i}', createItem${i});`,
    `function createItem${i}(req, res) {`,
    `  res.status(201).json(req.body);`,
    `}`,
    '',
  ].join('\n');
const JS_HEAD = "import express from 'express';\nconst app = express();\nconst router = express.Router();\napp.use('/api', router);\n";

/** A file of `n` blocks after its head. */
function source(head: string, block: (i: number) => string, n: number): string {
  return head + Array.from({ length: n }, (_, i) => block(i)).join('\n');
}

/** Runs the edits through one DocumentAnalyzer; after each, the result must equal a fresh analysis. */
function edits(file: string, text: string, steps: ((text: string) => ContentChange[])[]): { text: string; doc: DocumentAnalyzer } {
  const doc = new DocumentAnalyzer(parsers, file);
  assert.deepEqual(doc.update(text), analyzeFile(parsers, file, text));
  for (const step of steps) {
    const changes = step(text);
    text = apply(text, changes);
    assert.deepEqual(doc.update(text, changes), analyzeFile(parsers, file, text), JSON.stringify(changes));
    assert.equal(doc.lastStats.mode, 'incremental');
  }
  return { text, doc };
}

function templates(file: string, text: string): string[] {
  return resolveRoutes([analyzeFile(parsers, file, text)]).map((r) => `${r.methods.join(',')} ${routeTemplate(r)}`);
}

test('statements: an edit inside a handler body re-reads that statement only (Python and JS)', () => {
  for (const [file, head, block, find, by] of [
    ['/p/app.py', PY_HEAD, PY_BLOCK, 'return item', 'return {"item": item}'],
    ['/p/app.js', JS_HEAD, JS_BLOCK, 'res.json(item);', 'res.json({ item });'],
  ] as const) {
    const text = source(head, block, 30);
    const { doc } = edits(file, text, [(t) => [replace(t, find, by, t.indexOf('items15'))]]);
    try {
      assert.equal(doc.lastStats.statements.mirrored, 1, file);
      assert.ok(doc.lastStats.statements.kept > 60, `${file}: the other statements are kept (${doc.lastStats.statements.kept})`);
    } finally {
      doc.dispose();
    }
  }
});

test('statements: editing a decorator path changes that route, and only its statement is re-read', () => {
  const file = '/p/app.py';
  const text = source(PY_HEAD, PY_BLOCK, 20) + '\napp.include_router(router)\n';
  const { text: after, doc } = edits(file, text, [(t) => [replace(t, '"/items7/', '"/things7/')]]);
  try {
    assert.equal(doc.lastStats.statements.mirrored, 1);
    const routes = templates(file, after);
    assert.ok(routes.includes('GET /api/things7/{item_id}'), routes.join(', '));
    assert.ok(!routes.includes('GET /api/items7/{item_id}'));
  } finally {
    doc.dispose();
  }
});

test('statements: adding and removing a router include re-links the prefixes of unchanged routes', () => {
  const file = '/p/app.py';
  const text = source(PY_HEAD, PY_BLOCK, 10);
  const include = '\napp.include_router(router, prefix="/v1")\n';
  const { text: added, doc } = edits(file, text, [(t) => [{ rangeOffset: t.length, rangeLength: 0, text: include }]]);
  try {
    assert.equal(doc.lastStats.statements.mirrored, 1);
    assert.ok(templates(file, added).includes('GET /v1/api/items3/{item_id}'));
    const removed = apply(added, [replace(added, include, '')]);
    assert.deepEqual(doc.update(removed, [replace(added, include, '')]), analyzeFile(parsers, file, removed));
    assert.equal(doc.lastStats.mode, 'incremental');
    assert.equal(doc.lastStats.statements.mirrored, 0, 'removing a statement re-reads nothing');
    assert.ok(!templates(file, removed).some((r) => r.startsWith('GET /v1/')));
  } finally {
    doc.dispose();
  }
});

test('statements: one change event with edits in two statements re-reads both (JS)', () => {
  const file = '/p/app.ts';
  const text = source(JS_HEAD, JS_BLOCK, 20);
  const { doc } = edits(file, text, [
    // reported end first, as VS Code does for a multi-cursor edit
    (t) => [replace(t, "'/items12'", "'/orders12'"), replace(t, "'/items3/:id'", "'/orders3/:id'")],
  ]);
  try {
    assert.equal(doc.lastStats.statements.mirrored, 2);
  } finally {
    doc.dispose();
  }
});

test('statements: syntax broken then fixed gives fresh results at every step', () => {
  for (const [file, head, block, breakAt, broken] of [
    ['/p/app.py', PY_HEAD, PY_BLOCK, 'async def read_item_4(item_id: int):', 'async def read_item_4(item_id: int'],
    ['/p/app.js', JS_HEAD, JS_BLOCK, "router.post('/items4', createItem4);", "router.post('/items4', createItem4;"],
  ] as const) {
    const text = source(head, block, 12);
    const { text: fixed, doc } = edits(file, text, [
      (t) => [replace(t, breakAt, broken)],
      (t) => [replace(t, broken, breakAt)],
      (t) => [{ rangeOffset: t.indexOf('items9'), rangeLength: 0, text: '{' }],
      (t) => [replace(t, '{items9', 'items9')],
    ]);
    try {
      assert.equal(fixed, text);
      assert.ok(doc.lastStats.statements.kept > 0, `${file}: statements are kept after the fix`);
    } finally {
      doc.dispose();
    }
  }
});

test('statements: random edits of a 600-line file equal a fresh analysis, and unchanged statements are kept', () => {
  for (const [file, head, block] of [
    ['/p/big.py', PY_HEAD, PY_BLOCK],
    ['/p/big.ts', JS_HEAD, JS_BLOCK],
  ] as const) {
    let text = source(head, block, 66);
    const r = rng(file.length * 131 + 7);
    const doc = new DocumentAnalyzer(parsers, file);
    try {
      doc.update(text);
      let kept = 0;
      for (let step = 0; step < 30; step++) {
        const at = Math.floor(r() * text.length);
        const pieces = ['x', '\n', ')', '"/', "'", 'router', '    ', '@router.get("/n")\ndef n():\n    return 1\n', ''];
        const len = r() < 0.3 ? Math.floor(r() * 12) : 0;
        const changes: ContentChange[] = [
          { rangeOffset: at, rangeLength: Math.min(len, text.length - at), text: pieces[Math.floor(r() * pieces.length)]! },
        ];
        text = apply(text, changes);
        assert.deepEqual(doc.update(text, changes), analyzeFile(parsers, file, text), `${file} step ${step}: ${JSON.stringify(changes)}`);
        if (doc.lastStats.mode === 'incremental') kept += doc.lastStats.statements.kept;
      }
      // about 200 statements: on average a quarter kept per edit, though random edits leave the syntax broken
      assert.ok(kept > 30 * 25, `${file}: statements were kept across the edits (${kept})`);
    } finally {
      doc.dispose();
    }
  }
});

/** Every mirror node reads like the node of a fresh parse: type, text, positions, children, fields. */
function sameNode(m: MirrorNode, n: TS.Node, where: string): void {
  assert.equal(m.type, n.type, where);
  assert.equal(m.text, n.text, `${where} ${n.type}`);
  assert.deepEqual(
    [m.startIndex, m.endIndex, m.startPosition, m.endPosition],
    [n.startIndex, n.endIndex, n.startPosition, n.endPosition],
    `${where} ${n.type}`,
  );
  assert.equal(m.children.length, n.children.length, `${where} ${n.type} children`);
  assert.deepEqual(
    m.namedChildren.map((c) => c.startIndex),
    n.namedChildren.map((c) => c!.startIndex),
    `${where} ${n.type} named children`,
  );
  for (const f of ['name', 'body', 'left', 'right', 'function', 'arguments', 'object', 'value']) {
    assert.equal(m.childForFieldName(f)?.startIndex, n.childForFieldName(f)?.startIndex, `${where} ${n.type}.${f}`);
  }
  m.children.forEach((c, i) => sameNode(c, n.children[i]!, where));
}

test('mirror: after edits above, between and inside statements, kept statements read like a fresh parse', () => {
  for (const [grammar, head, block, edit] of [
    ['python', PY_HEAD, PY_BLOCK, '# a comment\nx = 1\n'],
    ['typescript', JS_HEAD, JS_BLOCK, "const é = '😀';\n"],
  ] as const) {
    let text = source(head, block, 6);
    const parser = parsers.newParser(grammar);
    const mirror = new TreeMirror();
    let tree = parser.parse(text)!;
    try {
      mirror.update(tree, text, () => []);
      for (const at of [0, text.indexOf('items2'), text.lastIndexOf('\n') + 1, text.indexOf('items4') + 2]) {
        // the edit as tree-sitter is told it (rows and columns of an insertion), then an incremental parse
        const before = text.slice(0, at);
        const row = before.split('\n').length - 1;
        const column = at - (before.lastIndexOf('\n') + 1);
        const lines = edit.split('\n');
        const copy = tree.copy();
        copy.edit({
          startIndex: at,
          oldEndIndex: at,
          newEndIndex: at + edit.length,
          startPosition: { row, column },
          oldEndPosition: { row, column },
          newEndPosition: { row: row + lines.length - 1, column: lines.length > 1 ? lines.at(-1)!.length : column + edit.length },
        });
        text = before + edit + text.slice(at);
        const next = parser.parse(text, copy)!;
        copy.delete();
        tree.delete();
        tree = next;
        const { root } = mirror.update(tree, text, () => []);
        assert.ok(mirror.stats.kept > 0, `${grammar}: statements kept after an edit at ${at}`);
        const fresh = parser.parse(text)!;
        try {
          sameNode(root, fresh.rootNode, `${grammar} after an edit at ${at}`);
        } finally {
          fresh.delete();
        }
      }
    } finally {
      tree.delete();
      parser.delete();
    }
  }
});

test('first open: the first analysis reads the tree directly (no statement mirrored); the mirror comes for the first edit', () => {
  const file = '/p/app.py';
  const text = source(PY_HEAD, PY_BLOCK, 30);
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    assert.deepEqual(doc.update(text), analyzeFile(parsers, file, text));
    assert.deepEqual(doc.lastStats.statements, { mirrored: 0, kept: 0 });
    const changes = [replace(text, '"/items12/', '"/things12/')];
    const after = apply(text, changes);
    assert.deepEqual(doc.update(after, changes), analyzeFile(parsers, file, after));
    assert.equal(doc.lastStats.statements.mirrored, 1);
  } finally {
    doc.dispose();
  }
});

test('first open, time-sliced: the mirror is built in idle time after the result, and an edit during or after it equals a fresh analysis', async () => {
  for (const [file, head, block, find, by] of [
    ['/p/app.py', PY_HEAD, PY_BLOCK, '"/items9/', '"/things9/'],
    ['/p/app.js', JS_HEAD, JS_BLOCK, "'/items9/", "'/things9/"],
  ] as const) {
    const text = source(head, block, 30);
    const changes = [replace(text, find, by)];
    const after = apply(text, changes);
    const idle = new DocumentAnalyzer(parsers, file);
    const busy = new DocumentAnalyzer(parsers, file);
    try {
      assert.deepEqual(await idle.updateSliced(text, undefined, { sliceMs: 0 }), analyzeFile(parsers, file, text));
      assert.deepEqual(idle.lastStats.statements, { mirrored: 0, kept: 0 }, file);
      await idle.whenIdle();
      assert.deepEqual(await idle.updateSliced(after, changes, { sliceMs: 0 }), analyzeFile(parsers, file, after));
      assert.equal(idle.lastStats.statements.mirrored, 1, `${file}: the mirror was there for the edit`);
      assert.ok(idle.lastStats.statements.kept > 60, file);
      // an edit before the idle build has run: a sync update cancels it and builds what it needs
      await busy.updateSliced(text, undefined, { sliceMs: 0 });
      assert.deepEqual(busy.update(after, changes), analyzeFile(parsers, file, after));
      assert.equal(busy.lastStats.statements.mirrored, 1, file);
      await busy.whenIdle();
      assert.deepEqual(busy.update(text, [{ rangeOffset: 0, rangeLength: after.length, text }]), analyzeFile(parsers, file, text));
    } finally {
      idle.dispose();
      busy.dispose();
    }
  }
});
