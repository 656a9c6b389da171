/** Route templates matched against hostile label values (issue 11, finding 4): no backtracking. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchPathToTemplate } from '../../../src/core/metrics/routeTemplates';

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

  // A liveness guard, not a speed target: the old matcher needs minutes here (cubic), the new one milliseconds.
  it('a 60,000-character label value does not hang the matcher', { timeout: 30_000 }, () => {
    const value = `/tiles/${'1-'.repeat(30_000)}`;
    assert.equal(matchPathToTemplate(value, '/tiles/{z}-{x}-{y}.png'), -1);
    assert.ok(matchPathToTemplate(`${value}9.png`, '/tiles/{z}-{x}-{y}.png') > 0);
  });
});
