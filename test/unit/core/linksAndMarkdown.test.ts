/** Configured URLs and backend strings in links and hovers (issue 11, findings 5, 6 and 10). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { grafanaExploreUrl, isWebUrl } from '../../../src/core/metrics/links';
import { callBounded } from '../../support/bounded';
import { joinNest, joinPrefix, joinRoute, trimSlashes } from '../../../src/core/routes/paths';
import { markdownCode, markdownText } from '../../../src/core/untrusted';

describe('Grafana links from a configured URL', () => {
  it('http(s) only; anything else gives no link', () => {
    for (const bad of [
      'javascript:alert(1)',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      'vscode://x',
      '',
      'not a url',
    ]) {
      assert.equal(grafanaExploreUrl(bad, 'up'), undefined, bad);
    }
  });

  it('built with the URL API: path prefix kept, query replaced, no credentials, no raw parentheses', () => {
    const u = grafanaExploreUrl('https://bob:pw@grafana.example/sub//?x=1#frag', 'sum(rate(x[5m]))')!;
    const parsed = new URL(u);
    assert.equal(parsed.origin, 'https://grafana.example');
    assert.equal(parsed.pathname, '/sub/explore');
    assert.equal(parsed.searchParams.get('orgId'), '1');
    assert.equal(JSON.parse(parsed.searchParams.get('left')!).queries[0].expr, 'sum(rate(x[5m]))');
    assert.ok(!/[()]/.test(u) && !u.includes('pw'), u);
    assert.ok(isWebUrl(u));
    assert.equal(isWebUrl('command:x'), false);
  });
});

describe('slash trimming is linear and unchanged in meaning', () => {
  it('same results as the regex form', () => {
    for (const s of ['', '/', '//', '/a/', '//a//b//', 'a']) {
      assert.equal(trimSlashes(s, 'end'), s.replace(/\/+$/, ''));
      assert.equal(trimSlashes(s, 'start'), s.replace(/^\/+/, ''));
      assert.equal(trimSlashes(s, 'both'), s.replace(/^\/+|\/+$/g, ''));
    }
    assert.equal(joinPrefix('express', '/api/', '/v1'), '/api/v1');
    assert.equal(joinRoute('flask', '/bp/', '/x'), '/bp/x');
    assert.equal(joinNest(['/a/', '', 'b/']), '/a/b');
  });

  it('a Fastify plugin prefix written without its leading slash is served under one, as Fastify does', () => {
    assert.equal(joinPrefix('fastify', '', 'api'), '/api');
    assert.equal(joinPrefix('fastify', 'api', '/users'), '/api/users');
    assert.equal(joinPrefix('fastify', '/v1', 'users'), '/v1/users');
    assert.equal(joinPrefix('fastify', '', ''), '');
    assert.equal(joinPrefix('express', '', 'api'), 'api');
  });

  it('a Fastify route path is appended to its prefix as written, as Fastify does', () => {
    assert.equal(joinRoute('fastify', '/category', 'delete/:id'), '/categorydelete/:id');
    assert.equal(joinRoute('fastify', '/category', '/delete/:id'), '/category/delete/:id');
    assert.equal(joinRoute('fastify', '/category/', '/delete/:id'), '/category/delete/:id');
    assert.equal(joinRoute('fastify', '/category', '/'), '/category');
    assert.equal(joinRoute('express', '/category', 'delete/:id'), '/category/delete/:id');
  });

  // `replace(/\/+$/, '')` on this prefix runs ~10^10 steps; the bound only turns that into a failure.
  it('a prefix with 200,000 slashes before a character is joined', async () => {
    const hostile = `${'/'.repeat(200_000)}x`;
    const joined = await callBounded(path.join(__dirname, '../../../src/core/routes/paths.ts'), 'joinPrefix', ['express', hostile, '/y']);
    assert.equal((joined as string).length, hostile.length + 2);
  });
});

describe('hover markdown from backend strings', () => {
  it('a code span cannot be broken out of by a backtick run or a newline', () => {
    const value = 'a``` `` b\n\n[x](command:evil) ```';
    const span = markdownCode(value);
    const fence = span.match(/^`+/)![0];
    assert.equal(fence.length, 4, 'one longer than the longest run inside');
    assert.ok(span.endsWith(fence) && !span.slice(fence.length, -fence.length).includes(fence));
    assert.ok(!span.includes('\n'));
  });

  it('text has every markdown character escaped and stays on one line', () => {
    const t = markdownText('# head\n\n[x](command:evil) &#x5B; <img>');
    assert.ok(!t.includes('\n'));
    assert.ok(!/(^|[^\\])[[\]()<>#&]/.test(t), t);
  });
});
