// The customer's page as rendered from the public view: whatever the view's texts hold, the page has the
// same markup as for harmless texts (nothing typed becomes a tag or leaves an attribute), the form shows
// only while a rating is open, the reply form (and its one script) only while the complaint waits for the
// customer, and error pages carry both languages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCALES, STATUSES } from '#domain/complaint';
import { complaintPage, problemPage } from '../../functions/api/customer-page.ts';
import { PROBLEM_WORDS, type ProblemPageKind } from '../../functions/api/customer-page-texts.ts';
import { escapeHtml } from '../../functions/api/html.ts';
import type { PublicComplaintView } from '../../functions/api/public-schemas.ts';

const hostile = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom('<script>alert(1)</script>', `"'><img src=x onerror=alert(1)>`, '</style>', '&', '\n'),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));
const instant = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

const view: fc.Arbitrary<PublicComplaintView> = fc.record({
  complaintNumber: hostile,
  locale: fc.constantFrom(...LOCALES),
  about: hostile,
  status: fc.constantFrom(...STATUSES),
  statusText: hostile,
  nextStep: hostile,
  deadline: fc.option(instant),
  answer: fc.option(
    fc.record({
      text: hostile,
      at: instant,
      compensation: fc.option(
        fc.record({
          amount: fc.integer({ min: 1, max: 10_000_000 }).map((fen) => fen / 100),
          currency: fc.constant('CNY' as const),
        }),
      ),
    }),
  ),
  canRate: fc.boolean(),
  rating: fc.option(fc.record({ score: fc.integer({ min: 1, max: 5 }), at: instant })),
  infoRequest: fc.option(fc.record({ text: hostile, at: instant })),
  canReply: fc.boolean(),
  photos: fc.array(fc.record({ url: hostile, at: instant }), { maxLength: 3 }),
  timeline: fc.array(fc.record({ at: instant, text: hostile }), { maxLength: 6 }),
});

/** The same view with every text a harmless word: what the markup must look like. */
function harmless(v: PublicComplaintView): PublicComplaintView {
  return {
    ...v,
    complaintNumber: 'x',
    about: 'x',
    statusText: 'x',
    nextStep: 'x',
    answer: v.answer ? { ...v.answer, text: 'x' } : null,
    timeline: v.timeline.map((entry) => ({ ...entry, text: 'x' })),
    photos: v.photos.map((photo) => ({ ...photo, url: 'x' })),
    infoRequest: v.infoRequest ? { ...v.infoRequest, text: 'x' } : null,
  };
}

const markupCharacters = (page: string) => page.replace(/[^<>"']/g, '');

describe('complaintPage', () => {
  it('has the markup of a harmless view whatever the texts hold, and shows each text escaped', () => {
    fc.assert(
      fc.property(view, fc.string(), (v, token) => {
        // Act
        const page = complaintPage(v, { token }).html.markup;
        const reference = complaintPage(harmless(v), { token }).html.markup;

        // Assess
        expect(markupCharacters(page)).toBe(markupCharacters(reference));
        for (const text of [v.complaintNumber, v.about, v.statusText, v.nextStep, v.answer?.text ?? '']) {
          expect(page).toContain(escapeHtml(text));
        }
        for (const entry of v.timeline)
          expect(page).toContain(`<span class="text">${escapeHtml(entry.text)}</span>`);
        expect(page.startsWith(`<!doctype html>\n<html lang="${v.locale}">`)).toBe(true);
      }),
    );
  });

  it('shows the rating form exactly while the view says a rating is open', () => {
    fc.assert(
      fc.property(view, (v) => {
        const page = complaintPage(v, { token: 'aZ3kP9qL2x' }).html.markup;
        expect(page.includes('<form class="card" method="post" action="aZ3kP9qL2x/feedback"')).toBe(
          v.canRate,
        );
      }),
    );
  });

  it('shows the reply form and its script exactly while the complaint waits for the customer', () => {
    fc.assert(
      fc.property(view, fc.constantFrom<'' | '../'>('', '../'), (v, base) => {
        const page = complaintPage(v, { token: 'aZ3kP9qL2x', base }).html.markup;
        expect(
          page.includes(`<form id="reply" class="card" method="post" action="${base}aZ3kP9qL2x/reply"`),
        ).toBe(v.canReply);
        expect(page.includes('<script>')).toBe(v.canReply);
        // The language switch always leads to the view in the other language.
        const other = v.locale === 'en' ? 'zh-CN' : 'en';
        expect(page).toContain(`href="${base}aZ3kP9qL2x?lang=${other}"`);
      }),
    );
  });

  it('keeps a chosen language through the forms', () => {
    const v: PublicComplaintView = {
      complaintNumber: 'K7Q2M-9X4TB',
      locale: 'en',
      about: 'Damage',
      status: 'pending-customer',
      statusText: 'Waiting for you',
      nextStep: 'Reply',
      deadline: null,
      answer: null,
      canRate: false,
      rating: null,
      infoRequest: { text: 'Photos please', at: '2026-10-01T08:00:00.000Z' },
      canReply: true,
      photos: [],
      timeline: [],
    };
    const page = complaintPage(v, { token: 'aZ3kP9qL2x', lang: 'en' }).html.markup;
    expect(page).toContain('action="aZ3kP9qL2x/reply?lang=en"');
  });
});

describe('problemPage', () => {
  const kinds = Object.keys(PROBLEM_WORDS) as ProblemPageKind[];

  it.each(kinds)('%s: both languages, the preferred one first and as the page language', (kind) => {
    // Act
    const chinese = problemPage(kind, { locale: 'zh-CN' }).markup;
    const english = problemPage(kind, { locale: 'en', backTo: '../aZ3kP9qL2x' }).markup;

    // Assess
    for (const page of [chinese, english]) {
      expect(page).toContain(`<h1>${PROBLEM_WORDS[kind]['zh-CN'].title}</h1>`);
      expect(page).toContain(`<h1>${PROBLEM_WORDS[kind].en.title}</h1>`);
      expect(page).not.toContain('{max}');
    }
    expect(chinese).toContain('<html lang="zh-CN">');
    expect(chinese.indexOf('<section lang="zh-CN">')).toBeLessThan(chinese.indexOf('<section lang="en">'));
    expect(chinese).not.toContain('<a ');
    expect(english).toContain('<html lang="en">');
    expect(english.indexOf('<section lang="en">')).toBeLessThan(english.indexOf('<section lang="zh-CN">'));
    expect(english.match(/<a href="..\/aZ3kP9qL2x">/g)).toHaveLength(2);
  });
});
