// HTML built from templates whose every interpolated value is escaped, unless it is markup this module
// built itself: a text a customer or an agent typed can never become a tag or leave an attribute.
// Attribute values in templates are always double-quoted, so escaping the five characters below suffices.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The text as HTML character data or as a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/** Markup that is safe to insert as is: only `markup` and `rawHtml` make one. */
export class Html {
  readonly markup: string;
  constructor(markup: string) {
    this.markup = markup;
  }
  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: false, null and undefined insert nothing, lists insert each item. */
export type HtmlValue = Html | string | number | false | null | undefined | readonly HtmlValue[];

function toMarkup(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(toMarkup).join('');
  if (value === false || value === null || value === undefined) return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template: markup`<p>${text}</p>` escapes `text` and keeps the template's own markup. Not named
 * `html`, which prettier would reformat as HTML, adding whitespace inside <style> and pre-line text.
 */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  return new Html(strings.reduce((markup, literal, i) => markup + toMarkup(values[i - 1]) + literal));
}

/** Markup written in the code, never data: the page's style sheet. */
export function rawHtml(markup: string): Html {
  return new Html(markup);
}
