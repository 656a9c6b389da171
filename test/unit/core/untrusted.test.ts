/** Untrusted strings made inert before they are shown (issue 11, findings 2, 8 and 13). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inertText, redactUrls, stripControl } from '../../../src/core/untrusted';
import { asTraceId } from '../../../src/core/traces/model';
import { BackendError } from '../../../src/backends/errors';
import { PrometheusClient } from '../../../src/backends/prometheus';

// The pattern VS Code's notification renderer turns into a link (parseLinkedText).
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/;

describe('inert notification text', () => {
  it('link syntax from a route path or label value is no longer a link', () => {
    const route = 'GET /x[click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)';
    assert.ok(LINK.test(route));
    const shown = inertText(`Instrumented ${route}`);
    assert.ok(!LINK.test(shown), shown);
    assert.match(shown, /click me/, 'the text stays readable');
  });

  it('one line, no control characters, bounded length', () => {
    const shown = inertText(`a\nb\r\n\u001b[31mred\u001b[0m\u202e${'x'.repeat(1000)}`, 50);
    assert.equal(shown.length, 50);
    assert.ok(!/[\n\r\u001b\u202e]/.test(shown));
    assert.ok(shown.startsWith('a b [31mred[0m'));
    assert.ok(shown.endsWith('…'));
  });

  it('strips terminal escape sequences for CLI output', () => {
    assert.equal(stripControl('/users\u001b]0;pwned\u0007\u009b2J'), '/users]0;pwned2J');
  });
});

describe('trace ids', () => {
  it('16 or 32 hex digits, nothing else', () => {
    assert.equal(asTraceId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(asTraceId('00f067aa0ba902b7'), '00f067aa0ba902b7');
    for (const bad of ['', 'abc', '4bf92f3577b34da6a3ce929d0e0e473g', '[x](command:foo)', `${'a'.repeat(31)}`, 42, undefined]) {
      assert.equal(asTraceId(bad), undefined, String(bad));
    }
  });
});

describe('credentials in URLs are redacted', () => {
  it('everywhere in a text', () => {
    assert.equal(
      redactUrls('Prometheus at https://alice:s3cret@prom.example/x and http://bob@h:1'),
      'Prometheus at https://***@prom.example/x and http://***@h:1',
    );
    assert.equal(redactUrls('no credentials: https://prom.example/a@b'), 'no credentials: https://prom.example/a@b');
  });

  it('in the error of an invalid URL', () => {
    assert.throws(
      () => new PrometheusClient({ baseUrl: 'https://alice:s3cret@exa mple' }),
      (e: unknown) =>
        e instanceof BackendError && !e.message.includes('s3cret') && !e.target.includes('s3cret') && e.message.includes('***'),
    );
  });
});
