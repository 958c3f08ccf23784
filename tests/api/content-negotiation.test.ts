// Who gets the page: a client that ranks text/html above application/json (every browser); everyone else,
// including no Accept header and a bare wildcard, keeps the JSON answers.
import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../../functions/api/content-negotiation.ts';

describe('prefersHtml', () => {
  it.each<[string | undefined, boolean]>([
    // Browsers' page requests.
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['TEXT/HTML', true],
    ['text/*, application/json;q=0.9', true],
    ['application/json;q=0.5, text/html', true],
    ['text/html, application/json', true],
    // API clients.
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['application/json, text/html', false],
    ['application/problem+json, application/json', false],
    ['text/html;q=0.5, */*', false],
    ['text/html;q=0, */*', false],
    ['text/*;q=0.5, application/*', false],
    ['text/html;level=1;q=0.4, application/json;q=0.4', true],
    ['image/png', false],
    ['garbage, ;;, /', false],
  ])('%j -> %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});
