// The customer's link token (SPEC satisfaction loop): the only credential of the public complaint view
// and of rating through a text, so it must be unguessable, and short enough for a one-segment SMS.
//
// Length. A linked text is proven to fit one segment with a link of MAX_LINK_LENGTH (33) characters,
// `${PUBLIC_BASE_URL}/${token}`, and a base URL of up to MAX_PUBLIC_BASE_URL_LENGTH (22) characters
// ("http://localhost:65535", "https://ts.ems.com.cn"). That leaves 10 characters for the token, the
// same length as the short complaint number the default link used, so no deployment loses its link.
//
// Alphabet. 62 letters and digits: nothing a phone's link detection could cut off (no '-' or '_' at
// the end of a text) and nothing to percent-encode. 10 characters carry log2(62^10) = 59.5 bits.
//
// Brute force. Guesses can only go through the API, which API Gateway throttles per method (the public
// link methods at PUBLIC_LINK_THROTTLE, infra/constructs/complaints-api.ts: 10 requests/s, burst 20, per
// method; two methods answer whether a token exists). At a sustained 20 guesses a second for a whole
// year (6.3e8 guesses) against one million live tokens, the chance of finding any one is
// 6.3e8 x 1e6 / 62^10 = 7.5e-4; against 100 000 live tokens, 7.5e-5. A token dies when its complaint
// closes (410), and what it opens holds no personal data (the plain-words view), so a lucky guess
// reveals a status and a timeline, and at most lets the guesser rate an answer once.
//
// Uniqueness. Two tokens clash with p = n / 62^10 per new token (1.2e-12 at n = 1 million): the store
// claims each token with a conditional write and draws again on the astronomically rare clash.

/** Letters and digits, in the order token characters map from random values. */
export const LINK_TOKEN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LINK_TOKEN_LENGTH = 10;

/** Bits of entropy one token carries: log2(62^10). */
export const LINK_TOKEN_BITS = LINK_TOKEN_LENGTH * Math.log2(LINK_TOKEN_ALPHABET.length);

const FORMAT = new RegExp(`^[0-9A-Za-z]{${LINK_TOKEN_LENGTH}}$`);

/** Whether `text` could be a link token (says nothing about whether one was issued). */
export function isLinkTokenFormat(text: string): boolean {
  return FORMAT.test(text);
}

/** A source of cryptographically strong random bytes (node:crypto randomBytes). */
export type RandomBytes = (size: number) => Uint8Array;

// Bytes at or above 248 (= 4 x 62) are dropped, so every character is equally likely (no modulo bias).
const UNBIASED_LIMIT = Math.floor(256 / LINK_TOKEN_ALPHABET.length) * LINK_TOKEN_ALPHABET.length;

/** A new token drawn from `random`, one character per accepted byte. */
export function newLinkToken(random: RandomBytes): string {
  let token = '';
  while (token.length < LINK_TOKEN_LENGTH) {
    // 3% of bytes are dropped on average: draw a few spare ones so one call nearly always suffices.
    for (const byte of random(LINK_TOKEN_LENGTH + 4)) {
      if (byte >= UNBIASED_LIMIT) continue;
      token += LINK_TOKEN_ALPHABET[byte % LINK_TOKEN_ALPHABET.length];
      if (token.length === LINK_TOKEN_LENGTH) break;
    }
  }
  return token;
}
