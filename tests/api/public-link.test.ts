// The language of the customer's view: Accept-Language may choose zh-CN or en, ranked by q; anything else
// leaves the customer's own language.
import { describe, expect, it } from 'vitest';
import { answerLocale } from '../../functions/api/public-link.ts';

describe('answerLocale', () => {
  it.each<[string | undefined, 'zh-CN' | 'en', 'zh-CN' | 'en']>([
    [undefined, 'zh-CN', 'zh-CN'],
    ['', 'en', 'en'],
    ['*', 'en', 'en'],
    ['en', 'zh-CN', 'en'],
    ['EN-us', 'zh-CN', 'en'],
    ['zh-TW,zh;q=0.9', 'en', 'zh-CN'],
    ['zh-Hant-HK', 'en', 'zh-CN'],
    ['fr-FR,de;q=0.8', 'en', 'en'],
    ['fr-FR, en-GB;q=0.8, zh;q=0.5', 'zh-CN', 'en'],
    ['zh;q=0.5, en;q=0.8', 'zh-CN', 'en'],
    ['en;q=0, zh', 'en', 'zh-CN'],
    ['en;q=0.7, zh;q=0.7', 'zh-CN', 'en'],
    ['english, zhuang', 'en', 'en'],
  ])('%j with a customer in %s answers in %s', (header, customerLocale, expected) => {
    expect(answerLocale(header, customerLocale)).toBe(expected);
  });
});
