// The page's escaping helper: whatever a customer or an agent typed reaches the page as text, never as
// markup, in character data and in double-quoted attribute values alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, markup, rawHtml } from '../../functions/api/html.ts';

/** Strings rich in what breaks HTML: markup, quotes, entities, next to any other text. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '<',
        '>',
        '"',
        "'",
        '&',
        '&amp;',
        '&lt;',
        '<script>alert(1)</script>',
        `"'><img src=x onerror=alert(1)>`,
      ),
    ),
  )
  .map((parts) => parts.join(''));

/** What a browser does to escaped text: the five entities back to their characters. */
const unescape = (text: string) =>
  text.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_whole, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name] ?? '',
  );

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"'><img src=x onerror=alert(1)>`, '&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ['Tom & Jerry &amp;', 'Tom &amp; Jerry &amp;amp;'],
    ['补偿20.00元', '补偿20.00元'],
  ])('%j becomes %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });

  it('leaves no character that opens a tag or closes a quoted attribute, and reads back as the text', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(lt|gt|quot|#39|amp);/g, '')).not.toContain('&');
        expect(unescape(escaped)).toBe(text);
      }),
    );
  });
});

describe('markup', () => {
  it('escapes every interpolated text and number, in text and in attributes', () => {
    fc.assert(
      fc.property(hostile, hostile, (text, attribute) => {
        const built = markup`<p title="${attribute}">${text}</p>`.markup;
        expect(built).toBe(`<p title="${escapeHtml(attribute)}">${escapeHtml(text)}</p>`);
        expect(built.match(/</g)).toHaveLength(2);
        expect(built.match(/"/g)).toHaveLength(2);
      }),
    );
  });

  it('keeps markup it built, inserts lists item by item and nothing for false, null or undefined', () => {
    // Act
    const item = (text: string) => markup`<li>${text}</li>`;
    const built = markup`<ol>${['a<', 'b&'].map(item)}</ol>${false}${null}${undefined}${3}${rawHtml('<hr>')}`;

    // Assess
    expect(built.markup).toBe('<ol><li>a&lt;</li><li>b&amp;</li></ol>3<hr>');
    expect(String(built)).toBe(built.markup);
  });

  it('does not take a plain object shaped like built markup for markup', () => {
    // Act
    const forged = { markup: '<script>alert(1)</script>' } as unknown as string;

    // Assess
    expect(markup`<p>${forged}</p>`.markup).toBe('<p>[object Object]</p>');
  });
});
