// Attachments over real HTTP on the embedded stack, S3 through the local stand-in (s3rver) exactly as the
// SDK reaches the deployed bucket: the customer replies through the link with a photo uploaded by
// presigned POST, a file whose bytes are not what it claimed is deleted and refused, staff attach
// evidence and read every file back through signed URLs only, the count per complaint is bounded, the
// permission table's customer-reply cell holds for the link, and the link answers HEAD.
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, attachmentKey } from '#domain/attachments';
import { ATTACHMENTS_BUCKET } from '../../infra/local/stack.ts';
import { parcelPhoto } from '../support/png.ts';
import { postUntilReady, type TimelineItem } from '../support/spawned-stack.ts';
import {
  eventually,
  sampleComplaint,
  startTestApi,
  type Identity,
  type TestApi,
} from '../support/embedded.ts';

// Quiet hours off and texts at once; the 72 h pending limit lasts 72 s, longer than any test here.
const TIME_SCALE = 3600;
const INTAKE: Identity = { role: 'intake', user: 'hotline' };
const AGENT: Identity = { role: 'agent', user: 'agent-att' };
const AUDITOR: Identity = { role: 'auditor', user: 'auditor-att' };
const PHOTO = parcelPhoto();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let api: TestApi;
let s3: S3Client;

beforeAll(async () => {
  api = await startTestApi({ timeScale: TIME_SCALE, reconcileOnStart: false });
  s3 = new S3Client({ forcePathStyle: true, endpoint: api.stack.s3.endpoint, region: 'us-east-1' });
});
afterAll(async () => {
  s3?.destroy();
  await api?.close();
});

interface Upload {
  attachmentId: string;
  upload: { url: string; fields: Record<string, string>; expiresAt: string };
}

let seq = 0;
/** A complaint waiting for the customer (info requested), and the token of the link in that text. */
async function waitingForCustomer(phone?: string): Promise<{ id: string; token: string }> {
  seq += 1;
  const created = await api.as(INTAKE).post<{ id: string }>(
    '/v1/complaints',
    sampleComplaint({
      category: 'damage',
      customer: { phone: phone ?? `1370000${String(seq).padStart(4, '0')}` },
      trackingNumber: `EA${String(700000000 + seq)}CN`,
    }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body;
  for (const action of [{ action: 'accept' }, { action: 'request-info', message: '请上传外包装破损照片' }]) {
    const done = await postUntilReady(api.as(AGENT), `/v1/complaints/${id}/actions`, action);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  }
  const token = await eventually(
    async () => {
      const text = api.stack.sns
        .outbox({ complaintId: id })
        .find((e) => e.kind === 'sms' && e.event === 'info-requested' && e.status === 'sent');
      return text && /\/([0-9A-Za-z]{10})(?![0-9A-Za-z])/.exec(text.message)?.[1];
    },
    15_000,
    'the info-requested text with the link',
  );
  return { id, token };
}

/** What a browser does with a presigned POST: the fields, then the file. */
async function uploadTo(upload: Upload['upload'], bytes: Buffer, type: string): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type }), 'photo');
  const response = await fetch(upload.url, { method: 'POST', body: form });
  await response.arrayBuffer();
  return response.status;
}

async function photoUpload(token: string, bytes: Buffer, declared = 'image/png'): Promise<string> {
  const asked = await api.anonymous.post<Upload>(`/v1/public/complaints/${token}/uploads`, {
    contentType: declared,
    size: bytes.byteLength,
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expect(await uploadTo(asked.body.upload, bytes, declared)).toBeLessThan(300);
  return asked.body.attachmentId;
}

const exists = async (key: string) =>
  s3.send(new HeadObjectCommand({ Bucket: ATTACHMENTS_BUCKET, Key: key })).then(
    () => true,
    () => false,
  );

describe('the customer replies through the link', () => {
  it('with a photo: recorded as the customer’s reply, the photo readable by staff only through a signed URL', async () => {
    // Prepare
    const { id, token } = await waitingForCustomer();
    const photoId = await photoUpload(token, PHOTO);

    // Act
    const replied = await postUntilReady(
      { post: (path, body) => api.anonymous.post(path, body), as: () => api.anonymous },
      `/v1/public/complaints/${token}/reply`,
      { message: '外箱右上角压扁，照片见附件', attachmentIds: [photoId] },
    );
    const again = await api.anonymous.post(`/v1/public/complaints/${token}/reply`, {
      message: '外箱右上角压扁，照片见附件',
      attachmentIds: [photoId],
    });
    const timeline = (await api.as(AGENT).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;
    const listed = await api
      .as(AGENT)
      .get<{ items: { id: string; url: string; source: string }[] }>(`/v1/complaints/${id}/attachments`);
    const photo = await fetch(listed.body.items[0]?.url ?? '');
    const unsigned = new URL(listed.body.items[0]?.url ?? '');

    // Assess
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(replied.body).toMatchObject({ status: 'investigating', canReply: false });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(timeline.filter((e) => e.type === 'customer-replied')).toEqual([
      expect.objectContaining({
        actor: 'customer',
        from: 'pending-customer',
        to: 'investigating',
        data: { message: '外箱右上角压扁，照片见附件', attachmentIds: [photoId] },
      }),
    ]);
    expect(timeline.find((e) => e.type === 'customer-replied')).not.toHaveProperty('client');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: photoId, source: 'customer' })]);
    expect(unsigned.searchParams.get('X-Amz-Expires')).toBe(String(ATTACHMENT_LIMITS.readSeconds));
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PHOTO)).toBe(true);
  });

  it('refuses and deletes a file whose bytes are not the photo it claimed to be, and frees its place', async () => {
    // Prepare
    const { id, token } = await waitingForCustomer();
    const fakeId = await photoUpload(token, Buffer.from('MZ this is not a picture at all'), 'image/jpeg');
    const pngAsJpeg = await photoUpload(token, PHOTO, 'image/jpeg');

    // Act
    const refused = await api.anonymous.post<{ errors: { path: string; message: string }[] }>(
      `/v1/public/complaints/${token}/reply`,
      { message: '照片见附件', attachmentIds: [fakeId] },
    );
    const mislabelled = await api.anonymous.post<{ errors: { path: string; message: string }[] }>(
      `/v1/public/complaints/${token}/reply`,
      { message: '照片见附件', attachmentIds: [pngAsJpeg] },
    );
    const staffList = await api.as(AGENT).get<{ items: unknown[] }>(`/v1/complaints/${id}/attachments`);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'attachmentIds[0]', message: expect.stringContaining('the content is not one of') },
    ]);
    expect(mislabelled.status).toBe(400);
    expect(mislabelled.body.errors[0]?.message).toBe('the content is image/png, not the declared image/jpeg');
    expect(await exists(attachmentKey(id, fakeId))).toBe(false);
    expect(await exists(attachmentKey(id, pngAsJpeg))).toBe(false);
    expect(staffList.body.items).toEqual([]);
    // Nothing was recorded: the complaint still waits for the reply.
    const view = await api.anonymous.get<{ status: string }>(`/v1/public/complaints/${token}`);
    expect(view.body.status).toBe('pending-customer');
  });

  it('refuses an upload of a type or size that could never be accepted, before handing out a policy', async () => {
    // Prepare
    const { token } = await waitingForCustomer();

    // Act
    const pdf = await api.anonymous.post(`/v1/public/complaints/${token}/uploads`, {
      contentType: 'application/pdf',
      size: 1000,
    });
    const huge = await api.anonymous.post(`/v1/public/complaints/${token}/uploads`, {
      contentType: 'image/jpeg',
      size: ATTACHMENT_LIMITS.maxBytes + 1,
    });

    // Assess
    expect(pdf.status).toBe(400);
    expect(huge.status).toBe(400);
  });

  it('holds at most the bounded number of attachments per complaint', async () => {
    // Prepare
    const { token } = await waitingForCustomer();
    const ask = () =>
      api.anonymous.post(`/v1/public/complaints/${token}/uploads`, { contentType: 'image/png', size: 100 });

    // Act: all at once, as racing uploads would.
    const answers = await Promise.all(
      Array.from({ length: ATTACHMENT_LIMITS.perComplaint + 3 }, () => ask()),
    );

    // Assess
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(ATTACHMENT_LIMITS.perComplaint);
    expect(statuses.filter((s) => s === 409)).toHaveLength(3);
  });

  it('answers HEAD on the short link and the view with the GET’s status and headers and no body', async () => {
    // Prepare
    const { token } = await waitingForCustomer();

    // Act
    const short = await fetch(`${api.url}/${token}`, { method: 'HEAD', redirect: 'manual' });
    const view = await fetch(`${api.url}/v1/public/complaints/${token}`, {
      method: 'HEAD',
      headers: { accept: 'text/html' },
    });
    const unknown = await fetch(`${api.url}/v1/public/complaints/NeverIssue`, { method: 'HEAD' });

    // Assess
    expect(short.status).toBe(302);
    expect(short.headers.get('location')).toBe(`v1/public/complaints/${token}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(view.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await view.text()).toBe('');
    expect(unknown.status).toBe(404);
  });
});

describe('erasure (PIPL)', () => {
  it("deletes the complaint's photos from the bucket; the records stay, marked erased, and list nothing", async () => {
    // Prepare
    seq += 1;
    const phone = `1370000${String(seq).padStart(4, '0')}`;
    const { id, token } = await waitingForCustomer(phone);
    const photoId = await photoUpload(token, PHOTO);
    const replied = await postUntilReady(
      { post: (path, body) => api.anonymous.post(path, body), as: () => api.anonymous },
      `/v1/public/complaints/${token}/reply`,
      { message: '照片见附件', attachmentIds: [photoId] },
    );
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    expect(await exists(attachmentKey(id, photoId))).toBe(true);

    // Act
    const erased = await api
      .as({ role: 'supervisor', user: 'sup-erasure' })
      .post<{ complaintIds: string[] }>('/v1/erasure-requests', { phone, reference: 'PIPL-2026-0042' });
    const listed = await api.as(AGENT).get<{ items: unknown[] }>(`/v1/complaints/${id}/attachments`);

    // Assess
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.complaintIds).toEqual([id]);
    expect(await exists(attachmentKey(id, photoId))).toBe(false);
    expect(listed.body.items).toEqual([]);
  });
});

describe('staff evidence', () => {
  it('a PDF accepted after its content check, on the timeline once, readable by any reader of the complaint', async () => {
    // Prepare
    const { id } = await waitingForCustomer();
    const asked = await api.as(AGENT).post<Upload>(`/v1/complaints/${id}/attachments`, {
      contentType: 'application/pdf',
      size: PDF.byteLength,
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(await uploadTo(asked.body.upload, PDF, 'application/pdf')).toBeLessThan(300);

    // Act
    const accepted = await api
      .as(AGENT)
      .post(`/v1/complaints/${id}/attachments/${asked.body.attachmentId}`, {});
    const repeated = await api
      .as(AGENT)
      .post(`/v1/complaints/${id}/attachments/${asked.body.attachmentId}`, {});
    const byAuditor = await api
      .as(AUDITOR)
      .get<{ items: { url: string }[] }>(`/v1/complaints/${id}/attachments`);
    const auditorUpload = await api
      .as(AUDITOR)
      .post(`/v1/complaints/${id}/attachments`, { contentType: 'application/pdf', size: 100 });
    const timeline = (await api.as(AGENT).get<{ items: TimelineItem[] }>(`/v1/complaints/${id}/timeline`))
      .body.items;
    const file = await fetch(byAuditor.body.items[0]?.url ?? '');

    // Assess
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({
      source: 'staff',
      contentType: 'application/pdf',
      uploadedBy: 'agent-att',
    });
    expect(repeated.status).toBe(200);
    expect(timeline.filter((e) => e.type === 'evidence-attached')).toEqual([
      expect.objectContaining({
        actor: 'agent-att',
        data: expect.objectContaining({ size: PDF.byteLength }),
      }),
    ]);
    expect(auditorUpload.status).toBe(403);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
  });
});
