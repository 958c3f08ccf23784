// Which representation a client wants: the customer's link serves browsers an HTML page and every other
// client the JSON it always had. Browsers rank text/html first; fetch, curl and SDKs send */* or JSON.

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function mediaRanges(accept: string): MediaRange[] {
  return accept.split(',').flatMap((part, order) => {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return [];
    const q = parameters.map((p) => /^q=([\d.]+)$/.exec(p)?.[1]).find((value) => value !== undefined);
    return [{ type, subtype, q: q === undefined ? 1 : Number(q), order }];
  });
}

/** The range that decides a media type's quality: the most specific one that matches it (RFC 9110 12.5.1). */
function decidingRange(ranges: readonly MediaRange[], type: string, subtype: string) {
  const specificity = (r: MediaRange) =>
    r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : 0;
  const matching = ranges.filter(
    (r) => (r.type === type || r.type === '*') && (r.subtype === subtype || r.subtype === '*'),
  );
  const [best] = matching
    .map((range) => ({ ...range, specificity: specificity(range) }))
    .sort((a, b) => b.specificity - a.specificity || a.order - b.order);
  return best ?? { q: 0, specificity: -1, order: Infinity };
}

/**
 * Whether the client ranks text/html above application/json. On equal quality the more specific range
 * wins, then the one listed first; so no header, a bare wildcard and anything JSON-first keep the JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  const ranges = mediaRanges(accept ?? '');
  const page = decidingRange(ranges, 'text', 'html');
  const json = decidingRange(ranges, 'application', 'json');
  if (page.q <= 0 || page.q !== json.q) return page.q > json.q;
  return (
    page.specificity > json.specificity || (page.specificity === json.specificity && page.order < json.order)
  );
}
