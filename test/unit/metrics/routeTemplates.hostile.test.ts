/** Route templates matched against hostile label values (issue 11, finding 4): no backtracking. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { matchPathToTemplate } from '../../../src/core/metrics/routeTemplates';
import { callBounded } from '../../support/bounded';

/** The old backtracking matcher, as the reference for what "fits" means on short inputs. */
function reference(seg: string, template: string): boolean {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${template.split('{}').map(esc).join('[^/]+')}$`).test(seg);
}

describe('route templates with several parameters in one segment', () => {
  it('match exactly what the regex form matched (exhaustive over short segments)', () => {
    const templates = ['{}-{}-{}.png', 'a{}b', '{}-{}', 'v{}.{}', '{}.{}.{}', 'x{}x{}x'];
    const alphabet = ['-', '.', 'a', 'b', 'x', '1', 'png'];
    const segs = new Set<string>(['']);
    for (let len = 0; len < 5; len++) for (const s of [...segs]) for (const c of alphabet) segs.add(s + c);
    for (const t of templates) {
      for (const s of segs) {
        const want = reference(s, t);
        const got = matchPathToTemplate(`/tiles/${s}`, `/tiles/${t.replace(/\{\}/g, '{p}')}`) > 0;
        assert.equal(got, want, `${s} vs ${t}`);
      }
    }
  });

  // The old backtracking matcher needs minutes here (cubic); the bound only turns that into a failure.
  it('a 60,000-character label value does not hang the matcher', async () => {
    const value = `/tiles/${'1-'.repeat(30_000)}`;
    const mod = path.join(__dirname, '../../../src/core/metrics/routeTemplates.ts');
    assert.equal(await callBounded(mod, 'matchPathToTemplate', [value, '/tiles/{z}-{x}-{y}.png']), -1);
    assert.ok(((await callBounded(mod, 'matchPathToTemplate', [`${value}9.png`, '/tiles/{z}-{x}-{y}.png'])) as number) > 0);
  });
});
