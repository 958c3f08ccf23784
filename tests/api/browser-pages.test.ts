// How a browser's plain form reaches the rating route: form-encoded fields become the JSON body the route
// validates (digits as the score, an empty comment as none); every other body passes as it was sent.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '#commons/http';
import { formAsJson } from '../../functions/api/browser-pages.ts';
import { feedbackFromForm } from '../../functions/api/post-public-feedback.ts';

const read = (form: string) => feedbackFromForm(new URLSearchParams(form));

describe('feedbackFromForm', () => {
  it.each<[string, Record<string, unknown>]>([
    ['score=5&comment=', { score: 5 }],
    ['score=1&comment=%E8%BF%98%E6%98%AF%E6%B2%A1%E6%94%B6%E5%88%B0', { score: 1, comment: '还是没收到' }],
    ['comment=+++&score=+3+', { score: 3 }],
    ['score=abc', { score: 'abc' }],
    ['score=4.5', { score: '4.5' }],
    ['score=', { score: '' }],
    ['score=3&score=5', { score: ['3', '5'] }],
    ['score=5&actor=x', { score: 5, actor: 'x' }],
    ['', {}],
  ])('%j -> %j', (form, fields) => {
    expect(read(form)).toEqual(fields);
  });

  it('reads any comment back as typed, and any score of digits as its number', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: 'grapheme', minLength: 1 }), (score, comment) => {
        fc.pre(comment.trim() !== '');
        const form = new URLSearchParams({ score: String(score), comment }).toString();
        expect(read(form)).toEqual({ score, comment });
      }),
    );
  });
});

function event(
  body: string | null,
  headers: Record<string, string>,
  isBase64Encoded = false,
): APIGatewayProxyEvent {
  return { body, headers, isBase64Encoded } as unknown as APIGatewayProxyEvent;
}

describe('formAsJson', () => {
  it('turns a form into the JSON body the route parses, whatever the header name case or charset', () => {
    // Act
    const converted = formAsJson(
      event('score=5&comment=ok', {
        'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
        Accept: 'text/html',
      }),
      feedbackFromForm,
    );
    const base64 = formAsJson(
      event(
        Buffer.from('score=2').toString('base64'),
        { 'content-type': 'application/x-www-form-urlencoded' },
        true,
      ),
      feedbackFromForm,
    );

    // Assess
    expect(converted.headers).toEqual({ Accept: 'text/html', 'Content-Type': 'application/json' });
    expect(JSON.parse(converted.body ?? '')).toEqual({ score: 5, comment: 'ok' });
    expect(base64.isBase64Encoded).toBe(false);
    expect(JSON.parse(base64.body ?? '')).toEqual({ score: 2 });
  });

  it('passes JSON, other media types, empty and oversized forms on as sent, for the chain to judge', () => {
    for (const sent of [
      event('{"score":5}', { 'content-type': 'application/json' }),
      event('score=5', { 'content-type': 'text/plain' }),
      event('score=5', {}),
      event('', { 'content-type': 'application/x-www-form-urlencoded' }),
      event(`comment=${'x'.repeat(MAX_BODY_BYTES)}`, { 'content-type': 'application/x-www-form-urlencoded' }),
    ]) {
      expect(formAsJson(sent, feedbackFromForm)).toBe(sent);
    }
  });
});
