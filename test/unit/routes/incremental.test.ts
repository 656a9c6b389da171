/**
 * The incremental DocumentAnalyzer must give exactly what a fresh analyzeFile gives, after any sequence
 * of edits (insert / delete a route, edit a path string, break and fix the syntax, multi-change events).
 * Behaviour only: no timing assertions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { grammarForFile, loadParsers, type ParserSet } from '../../../src/core/parsing/treeSitter';
import { analyzeFile } from '../../../src/core/routes/detector';
import { DocumentAnalyzer, type ContentChange } from '../../../src/core/routes/incremental';
import { apply, rng } from './edits';

const FIXTURES = path.resolve(__dirname, '../../fixtures/routes');

function corpusFiles(): string[] {
  const out: string[] = [];
  (function walk(dir: string): void {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(py|ts|js|tsx|mjs|cjs)$/.test(e.name)) out.push(p);
    }
  })(FIXTURES);
  return out.sort();
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** One random edit of the kinds a developer makes, as VS Code would report it. */
function randomEdit(text: string, py: boolean, r: () => number, step: number): ContentChange[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const starts = lineStarts(text);
  const lineAt = (): number => pick(starts);
  const kind = Math.floor(r() * 8);
  switch (kind) {
    case 0: {
      // insert a route at the start of a line (top level or wherever it lands)
      const route = py
        ? `@router.get("/ins${step}")\ndef ins_${step}():\n    return ${step}\n`
        : `router.get('/ins${step}', (req, res) => res.send('${step}'));\n`;
      return [{ rangeOffset: lineAt(), rangeLength: 0, text: route }];
    }
    case 1: {
      // delete a whole line (often a route or part of one)
      const i = Math.floor(r() * starts.length);
      const from = starts[i]!;
      const to = i + 1 < starts.length ? starts[i + 1]! : text.length;
      return [{ rangeOffset: from, rangeLength: to - from, text: '' }];
    }
    case 2: {
      // edit inside a path string: type characters after a quote+slash
      const hits: number[] = [];
      for (const m of text.matchAll(/["'`]\//g)) hits.push(m.index + 2);
      const at = hits.length ? pick(hits) : lineAt();
      return [{ rangeOffset: at, rangeLength: 0, text: pick(['v2/', 'x', '{id}/', ':id/']) }];
    }
    case 3: {
      // replace a path character (or delete one)
      const hits: number[] = [];
      for (const m of text.matchAll(/["'`]\/\w/g)) hits.push(m.index + 2);
      if (!hits.length) return [{ rangeOffset: 0, rangeLength: 0, text: '\n' }];
      return [{ rangeOffset: pick(hits), rangeLength: 1, text: pick(['', 'z', 'users']) }];
    }
    case 4: {
      // break the syntax: an unclosed bracket or a stray token somewhere
      return [
        {
          rangeOffset: Math.floor(r() * (text.length + 1)),
          rangeLength: 0,
          text: pick(['(', '[', '{', ')', 'def ', 'const = ', '"', ':']),
        },
      ];
    }
    case 5: {
      // delete a random span (may cut through statements and strings)
      const at = Math.floor(r() * (text.length + 1));
      return [{ rangeOffset: at, rangeLength: Math.min(text.length - at, Math.floor(r() * 40)), text: '' }];
    }
    case 6: {
      // a multi-cursor event: two insertions, reported end first (as VS Code does)
      const a = Math.floor(r() * (text.length + 1));
      const b = Math.floor(r() * (text.length + 1));
      const [lo, hi] = a < b ? [a, b] : [b, a];
      return [
        { rangeOffset: hi, rangeLength: 0, text: '# \n' },
        { rangeOffset: lo, rangeLength: 0, text: 'é😀' },
      ];
    }
    default: {
      // type a character in the middle of a line
      const at = Math.floor(r() * (text.length + 1));
      return [{ rangeOffset: at, rangeLength: 0, text: pick(['a', ' ', '\n', '    ', 'x = 1\n', 'app']) }];
    }
  }
}

let parsers: ParserSet;
test.before(async () => {
  parsers = await loadParsers();
});

function hasSyntaxError(file: string, text: string): boolean {
  const tree = parsers.parser(grammarForFile(file)!).parse(text);
  try {
    return !tree || tree.rootNode.hasError;
  } finally {
    tree?.delete();
  }
}

for (const file of corpusFiles()) {
  const rel = path.relative(FIXTURES, file);
  test(`incremental analysis equals a fresh one after random edits: ${rel}`, async () => {
    const py = file.endsWith('.py');
    const original = fs.readFileSync(file, 'utf8');
    const doc = new DocumentAnalyzer(parsers, file);
    try {
      assert.deepEqual(doc.update(original), analyzeFile(parsers, file, original));
      let text = original;
      const r = rng(rel.length * 7919 + 17);
      let incremental = 0;
      for (let step = 0; step < 40; step++) {
        // every 10th step: go back to the original text (fixes whatever syntax was broken)
        const changes = step % 10 === 9 ? [{ rangeOffset: 0, rangeLength: text.length, text: original }] : randomEdit(text, py, r, step);
        text = apply(text, changes);
        // alternately the synchronous and the time-sliced update (sliceMs 0: a yield at every chance)
        const got = step % 2 ? await doc.updateSliced(text, changes, { sliceMs: 0 }) : doc.update(text, changes);
        if (doc.lastStats.mode === 'incremental') incremental++;
        const fresh = analyzeFile(parsers, file, text);
        // tree-sitter's error recovery may build a different tree from the old one than from scratch: while the
        // syntax is broken the two analyses may differ; once it is whole again they must be equal
        if (!isDeepStrictEqual(got, fresh) && hasSyntaxError(file, text)) continue;
        assert.deepEqual(got, fresh, `after step ${step} (${JSON.stringify(changes)})`);
      }
      assert.ok(incremental >= 30, `the edits were applied incrementally (${incremental}/40)`);
    } finally {
      doc.dispose();
    }
  });
}

test('incremental: route insert, path edit, broken then fixed syntax, and bad change lists', () => {
  const file = '/p/app.py';
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    let text = 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/api")\n\n@router.get("/a")\ndef a():\n    return 1\n';
    const step = (changes: ContentChange[]): void => {
      text = apply(text, changes);
      assert.deepEqual(doc.update(text, changes), analyzeFile(parsers, file, text));
    };
    doc.update(text);
    assert.equal(doc.lastStats.mode, 'full');
    step([{ rangeOffset: text.length, rangeLength: 0, text: '\n@router.post("/b")\ndef b():\n    return 2\n' }]);
    assert.equal(doc.lastStats.mode, 'incremental');
    assert.deepEqual(
      doc.update(text).routes.map((r) => ('s' in r.path ? r.path.s : null)),
      ['/a', '/b'],
    );
    assert.equal(doc.lastStats.mode, 'same');
    const at = text.indexOf('"/a"') + 2;
    step([{ rangeOffset: at, rangeLength: 1, text: 'items' }]);
    step([{ rangeOffset: text.indexOf('def b():') + 7, rangeLength: 1, text: '' }]); // `def b()` without colon
    assert.ok(doc.update(text).notes.some((n) => n.includes('syntax errors')));
    step([{ rangeOffset: text.indexOf('def b()') + 7, rangeLength: 0, text: ':' }]);
    assert.ok(!doc.update(text).notes.some((n) => n.includes('syntax errors')));
    // changes that do not produce the text: a full parse, same result
    const wrong = text + '\n# appended\n';
    assert.deepEqual(doc.update(wrong, [{ rangeOffset: 0, rangeLength: 0, text: 'nonsense' }]), analyzeFile(parsers, file, wrong));
    assert.equal(doc.lastStats.mode, 'full');
    text = wrong;
    assert.deepEqual(doc.update(text, [{ rangeOffset: text.length + 5, rangeLength: 3, text: '' }]), analyzeFile(parsers, file, text));
    doc.dispose();
    // usable again after dispose (parses from scratch)
    assert.deepEqual(doc.update(text, [{ rangeOffset: 0, rangeLength: 0, text: '' }]), analyzeFile(parsers, file, text));
    assert.equal(doc.lastStats.mode, 'full');
  } finally {
    doc.dispose();
  }
});

test('incremental: files the detector does not analyse', () => {
  const doc = new DocumentAnalyzer(parsers, '/p/readme.md');
  assert.deepEqual(doc.update('# hi'), analyzeFile(parsers, '/p/readme.md', '# hi'));
  assert.deepEqual(doc.update('# ho', [{ rangeOffset: 3, rangeLength: 1, text: 'o' }]), analyzeFile(parsers, '/p/readme.md', '# ho'));
  doc.dispose();
});

test('incremental: updateSliced is superseded by a later update, and the document stays consistent', async () => {
  const file = '/p/big.ts';
  const route = (i: number): string => `router.get('/r${i}', (req, res) => res.send('${i}'));\n`;
  let text =
    "import express from 'express';\nconst router = express.Router();\n" + Array.from({ length: 3000 }, (_, i) => route(i)).join('');
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    await doc.updateSliced(text);
    const edit = (at: number, ins: string): ContentChange[] => {
      const c = [{ rangeOffset: at, rangeLength: 0, text: ins }];
      text = apply(text, c);
      return c;
    };
    // a sliced update, then (while it yields) a synchronous one and another sliced one
    const c1 = edit(text.indexOf("'/r1500'") + 2, 'x');
    const first = doc.updateSliced(text, c1, { sliceMs: 0 });
    const c2 = edit(text.indexOf("'/r10'") + 2, 'y');
    const mid = doc.update(text, c2);
    assert.deepEqual(mid, analyzeFile(parsers, file, text), 'the synchronous update in between');
    const c3 = edit(text.indexOf("'/r2000'") + 2, 'z');
    const second = doc.updateSliced(text, c3, { sliceMs: 0 });
    const c4 = edit(text.indexOf("'/r2500'") + 2, 'w');
    const third = doc.updateSliced(text, c4, { sliceMs: 0 });
    await assert.rejects(first, (e: Error) => e.name === 'AbortError');
    await assert.rejects(second, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(await third, analyzeFile(parsers, file, text), 'the last sliced update');
    // a full (sliced) parse superseded by an incremental one
    const c5 = [{ rangeOffset: 0, rangeLength: text.length, text: text + '// tail\n' }];
    text = apply(text, c5);
    const full = doc.updateSliced(text, undefined, { sliceMs: 0 });
    const c6 = edit(text.indexOf("'/r700'") + 2, 'v');
    const after = doc.updateSliced(text, c6, { sliceMs: 0 });
    await assert.rejects(full, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(await after, analyzeFile(parsers, file, text), 'after a superseded full parse');
    const c7 = edit(text.indexOf("'/r800'") + 2, 'u');
    assert.deepEqual(await doc.updateSliced(text, c7, { sliceMs: 0 }), analyzeFile(parsers, file, text), 'incremental again');
    assert.equal(doc.lastStats.mode, 'incremental');
    // an abort signal
    const ac = new AbortController();
    const c8 = edit(5, ' ');
    const aborted = doc.updateSliced(text, c8, { sliceMs: 0, signal: ac.signal });
    ac.abort();
    await assert.rejects(aborted, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(
      doc.update(text + '\n', [{ rangeOffset: text.length, rangeLength: 0, text: '\n' }]),
      analyzeFile(parsers, file, text + '\n'),
      'after the abort',
    );
    assert.equal(doc.lastStats.mode, 'incremental');
  } finally {
    doc.dispose();
  }
});
