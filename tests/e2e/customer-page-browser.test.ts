// The customer's link in a real phone-sized browser (headless Chromium through playwright-core) on the
// embedded stack: open the link from the text, type a reply, choose a photo, send, see the confirmation;
// staff then see the reply and fetch the photo through a signed URL. In the customer's stored language
// (zh-CN and en), with the switch to the other. Screenshots at 390x844 go to TEST_OUTPUT_DIR (default
// test-results/customer-page), to be looked at: the page is a product, not a debug view.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '#domain/complaint';
import { parcelPhoto } from '../support/png.ts';
import { postUntilReady, type TimelineItem } from '../support/spawned-stack.ts';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

const TIME_SCALE = 3600;
const INTAKE: Identity = { role: 'intake', user: 'hotline' };
const AGENT: Identity = { role: 'agent', user: 'agent-web' };
const PHONE_VIEWPORT = { width: 390, height: 844 };
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const OUTPUT = resolve(process.env.TEST_OUTPUT_DIR ?? 'test-results/customer-page');
const PHOTO = parcelPhoto(480);

let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const WORDS = {
  'zh-CN': {
    request: '请上传外包装破损处和内件的照片，并说明破损情况。',
    reply: '外箱右上角被压扁，里面的陶瓷杯碎了一个，照片见附件。',
    confirmation: '我们已收到您的回复，将尽快继续处理。',
    switchTo: 'English',
    send: '提交回复',
    chosen: '已选择1张照片',
  },
  en: {
    request: 'Please send photos of the damaged packaging and contents, and describe the damage.',
    reply:
      'The top right corner of the box was crushed and one of the ceramic mugs inside is broken. Photo attached.',
    confirmation: 'We have your reply and will carry on with your complaint.',
    switchTo: '中文',
    send: 'Send reply',
    chosen: 'Photos chosen: 1',
  },
} as const;

/** What the test reads of an <img> in the page (the test's own types carry no DOM). */
interface ImageElement {
  complete: boolean;
  naturalWidth: number;
  addEventListener(type: 'load', listener: () => void, options: { once: boolean }): void;
}

let seq = 0;
/** A damage complaint of a customer with this stored language, waiting for their reply; the texted link. */
async function waitingForCustomer(locale: Locale): Promise<{ id: string; link: string }> {
  seq += 1;
  const created = await api.as(INTAKE).post<{ id: string }>(
    '/v1/complaints',
    sampleComplaint({
      category: 'damage',
      description: '收到的快递外箱破损，里面的杯子碎了',
      customer: { phone: `1360000${String(seq).padStart(4, '0')}`, locale },
      trackingNumber: `EA${String(800000000 + seq)}CN`,
    }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body;
  for (const action of [{ action: 'accept' }, { action: 'request-info', message: WORDS[locale].request }]) {
    const done = await postUntilReady(api.as(AGENT), `/v1/complaints/${id}/actions`, action);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  }
  const link = await eventually(
    async () => {
      const text = api.stack.sns
        .outbox({ complaintId: id })
        .find((e) => e.kind === 'sms' && e.event === 'info-requested' && e.status === 'sent');
      return text && /https?:\/\/\S+\/[0-9A-Za-z]{10}(?![0-9A-Za-z])/.exec(text.message)?.[0];
    },
    15_000,
    'the info-requested text with the link',
  );
  // The gateway listens on 127.0.0.1; the text names it localhost, as a phone would reach the real host.
  return { id, link: link.replace('//localhost:', '//127.0.0.1:') };
}

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    // A Chinese customer's phone set to English, and the other way round: the page must not follow it.
    locale: 'en-US',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });

describe.each<Locale>(['zh-CN', 'en'])('the reply-with-photo flow in %s', (locale) => {
  it('open the link, type the reply, choose a photo, send, see the confirmation; staff get both', async () => {
    // Prepare
    const words = WORDS[locale];
    const { id, link } = await waitingForCustomer(locale);
    const page = await phonePage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    // Act: what the customer does.
    await page.goto(link);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
    await shot(page, `${locale}-1-waiting-for-reply`);
    await page.locator('#message').fill(words.reply);
    await page.locator('#photos').setInputFiles({ name: 'box.png', mimeType: 'image/png', buffer: PHOTO });
    await expect.poll(() => page.locator('#reply .progress').textContent()).toBe(words.chosen);
    await shot(page, `${locale}-2-reply-filled`);
    const pageWidth = await page.evaluate('document.documentElement.scrollWidth');
    await page.getByRole('button', { name: words.send }).click();
    await page.getByText(words.confirmation).waitFor();
    await page
      .locator('.photos img')
      .evaluate((img: ImageElement) =>
        img.complete
          ? undefined
          : new Promise((done) => img.addEventListener('load', () => done(undefined), { once: true })),
      );
    await shot(page, `${locale}-3-reply-sent`);
    const photoShown = await page.locator('.photos img').evaluate((img: ImageElement) => img.naturalWidth);
    await page.getByRole('link', { name: words.switchTo }).click();
    const switched = await page.locator('html').getAttribute('lang');
    await shot(page, `${locale}-4-switched-language`);

    // Act: what staff see.
    const timeline = (await api.as(AGENT).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;
    const attachments = (
      await api
        .as(AGENT)
        .get<{ items: { id: string; url: string; contentType: string }[] }>(
          `/v1/complaints/${id}/attachments`,
        )
    ).body.items;
    const photo = await fetch(attachments[0]?.url ?? '');

    // Assess
    expect(page.url()).toContain('/v1/public/complaints/');
    expect(photoShown).toBe(480);
    // Nothing sticks out sideways on a phone.
    expect(pageWidth).toBe(PHONE_VIEWPORT.width);
    expect(switched).toBe(locale === 'en' ? 'zh-CN' : 'en');
    expect(violations).toEqual([]);
    expect(timeline.find((e) => e.type === 'customer-replied')).toMatchObject({
      actor: 'customer',
      to: 'investigating',
      data: { message: words.reply, attachmentIds: [attachments[0]?.id] },
    });
    expect(attachments).toEqual([expect.objectContaining({ contentType: 'image/png' })]);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PHOTO)).toBe(true);
    await page.context().close();
  });
});

describe('after the answer', () => {
  it('rates with a double tap, is thanked once recorded, and the link keeps showing the outcome', async () => {
    // Prepare
    const { id, link } = await waitingForCustomer('zh-CN');
    const page = await phonePage();
    await page.goto(link);
    await page.locator('#message').fill('外箱破了，杯子碎了一个。');
    await page.getByRole('button', { name: WORDS['zh-CN'].send }).click();
    await page.getByText(WORDS['zh-CN'].confirmation).waitFor();
    const resolved = await postUntilReady(api.as(AGENT), `/v1/complaints/${id}/actions`, {
      action: 'resolve',
      resolution: '经核实为运输途中挤压所致，已为您办理赔偿，破损杯子由商家补发。',
      compensation: { amount: 36, currency: 'CNY' },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    await eventually(
      async () =>
        api.stack.sns
          .outbox({ complaintId: id })
          .find((e) => e.kind === 'sms' && e.event?.startsWith('answered') === true && e.status === 'sent'),
      15_000,
      'the answered text',
    );

    // Act: a double tap on send. Right after the answer the workflow may still be opening the rating
    // stage; the page then says to try again in a moment, and the customer does.
    const thanks = '感谢您的评价，我们已记录您的评分。';
    for (let attempt = 1; ; attempt++) {
      await page.goto(link);
      await page.locator('input[name="score"][value="5"]').check();
      await page.locator('#comment').fill('处理及时，谢谢');
      if (attempt === 1) await shot(page, 'zh-CN-5-rating');
      await page.getByRole('button', { name: '提交评分' }).dblclick();
      await page.locator('h1').first().waitFor();
      if ((await page.getByText(thanks).count()) > 0 || attempt >= 20) break;
      await page.getByText('请稍后再试').first().waitFor();
    }
    await page.getByText(thanks).waitFor();
    await shot(page, 'zh-CN-6-rated');
    await page.goto(link);
    await page.getByText('此投诉已办结，以下为处理结果。').waitFor();
    await shot(page, 'zh-CN-7-closed-outcome');
    const staff = await api
      .as(AGENT)
      .get<{ status: string; feedback: { score: number } }>(`/v1/complaints/${id}`);

    // Assess
    expect(staff.body).toMatchObject({ status: 'closed', feedback: { score: 5 } });
    expect(await page.locator('form').count()).toBe(0);
    await page.context().close();
  });
});
