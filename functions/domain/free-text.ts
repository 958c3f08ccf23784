// What free text people write may carry (SPEC section 9): every script and emoji, line breaks and tabs
// where the text has lines, and nothing invisible: control and format characters hide content from
// people and from masking, and a lone surrogate is malformed UTF-16. Pure, so both the API's schemas
// (functions/api/schemas.ts) and the domain's own (the organisation directory) apply the same rule.

/** In u-mode a surrogate code unit matches only when it is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (line breaks and tabs are allowed in multi-line text) and format characters. */
const FORBIDDEN_SINGLE_LINE = /[\p{Cc}\p{Cf}]/u;
const FORBIDDEN_MULTI_LINE = /[^\P{Cc}\t\n\r]|\p{Cf}/u;
/** A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is the one format character text may carry. */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

/** Why free text is refused, if it is. */
export function freeTextProblem(value: string, multiline: boolean): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must not contain lone surrogates (malformed UTF-16)';
  const forbidden = multiline ? FORBIDDEN_MULTI_LINE : FORBIDDEN_SINGLE_LINE;
  if (forbidden.test(value.replace(EMOJI_JOINER, ''))) {
    return multiline
      ? 'must not contain control or format characters (line breaks and tabs are fine)'
      : 'must not contain control or format characters';
  }
  return undefined;
}
