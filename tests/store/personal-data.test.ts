// Phone and name at rest: the store seals them with the AWS Encryption SDK under a data key from (local)
// KMS, bound to the complaint's id. The raw item holds ciphertext only, a sealed value moved to another
// complaint does not open, and the materials cache spares KMS a call for every read and write.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoComplaintStore,
  PACKED_ATTRIBUTE,
  PERSONAL_DATA_ATTRIBUTE,
  unpackItem,
} from '#adapters/dynamo-complaint-store';
import {
  EsdkPersonalDataCipher,
  kmsKeyring,
  PersonalDataMismatch,
} from '#adapters/esdk-personal-data-cipher';
import { complaintKey } from '#adapters/table-design';
import { startLocalKms, type LocalKms } from '../../infra/local/kms/server.ts';
import { complaintFixture } from '../support/complaint-fixture.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';

const ALIAS = 'alias/test-personal-data';
let dynamo: LocalDynamo;
let kms: LocalKms;
let client: KMS;

beforeAll(async () => {
  dynamo = await startDynalite();
  kms = await startLocalKms({ aliases: [ALIAS] });
  client = new KMS({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await kms.close();
  await dynamo.close();
});

/** A store as a fresh container has it: its own cipher, so its own (empty) materials cache. */
const freshStore = () =>
  new DynamoComplaintStore(
    dynamo.doc,
    dynamo.tableName,
    new EsdkPersonalDataCipher({ keyring: kmsKeyring(kms.key(ALIAS).arn, () => client) }),
  );

const rawItem = async (id: string) =>
  (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: complaintKey(id) }))).Item!;

describe('personal data at rest', () => {
  it('stores phone and name only as ciphertext, and reads them back', async () => {
    // Prepare
    const complaint = complaintFixture({
      customer: { phone: '+8613912345678', name: '李四', locale: 'zh-CN', channels: ['sms'] },
    });

    // Act
    const created = await freshStore().create(complaint);
    const item = await rawItem(complaint.id);
    const read = await freshStore().get(complaint.id);

    // Assess
    const raw = JSON.stringify(item);
    for (const clear of ['13912345678', '李四', '李']) expect(raw).not.toContain(clear);
    expect(item.customer).toEqual({ locale: 'zh-CN', channels: ['sms'] });
    // An AWS Encryption SDK message stored as its bytes (Binary): message format version 2.
    const sealed = item[PERSONAL_DATA_ATTRIBUTE] as Uint8Array;
    expect(sealed).toBeInstanceOf(Uint8Array);
    expect(sealed[0]).toBe(0x02);
    expect(read?.customer).toEqual(complaint.customer);
    expect(read).toEqual({ ...created, chain: { ...created.chain, unflushed: expect.any(Array) } });
  });

  it('refuses a sealed value copied from another complaint', async () => {
    // Prepare
    const victim = complaintFixture();
    const other = complaintFixture({
      customer: { phone: '+8613700001111', name: '王五', locale: 'zh-CN', channels: ['sms'] },
    });
    const store = freshStore();
    await store.create(victim);
    await store.create(other);
    const item = await rawItem(victim.id);
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { ...item, [PERSONAL_DATA_ATTRIBUTE]: (await rawItem(other.id))[PERSONAL_DATA_ATTRIBUTE] },
      }),
    );

    // Act
    const read = freshStore().get(victim.id);

    // Assess
    await expect(read).rejects.toBeInstanceOf(PersonalDataMismatch);
  });

  it('costs one data key per complaint, however often a container rewrites and rereads it', async () => {
    // Prepare
    const before = kms.calls();
    const store = freshStore();
    const complaint = complaintFixture();

    // Act
    let current = await store.create(complaint);
    for (let version = 2; version <= 6; version++) {
      const next = { ...current, version, owner: `agent-${version}` };
      await store.save(next, current.version);
      current = (await store.get(complaint.id))!;
    }
    const otherContainer = freshStore();
    for (let i = 0; i < 5; i++) await otherContainer.get(complaint.id);

    // Assess
    const after = kms.calls();
    expect((after.GenerateDataKey ?? 0) - (before.GenerateDataKey ?? 0)).toBe(1);
    expect((after.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(1);
    expect(current.owner).toBe('agent-6');
  });

  it('reads an item written before packing (plain fields, the sealed text in base64) and packs it on its next save', async () => {
    // Prepare: a complaint as the store wrote it before packing: every field plain, `esdk1:` text.
    const complaint = complaintFixture({
      customer: { phone: '+8613700001111', name: '赵六', locale: 'zh-CN', channels: ['sms'] },
    });
    const created = await freshStore().create(complaint);
    const { [PACKED_ATTRIBUTE]: _packed, ...former } = unpackItem(await rawItem(complaint.id));
    const sealed = former[PERSONAL_DATA_ATTRIBUTE] as Uint8Array;
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { ...former, [PERSONAL_DATA_ATTRIBUTE]: `esdk1:${Buffer.from(sealed).toString('base64')}` },
      }),
    );
    const store = freshStore();

    // Act
    const read = await store.get(complaint.id);
    await store.save({ ...read!, version: created.version + 1 }, created.version);

    // Assess
    expect(read?.customer).toEqual(complaint.customer);
    expect(read?.clocks).toEqual(created.clocks);
    const repacked = await rawItem(complaint.id);
    expect(repacked[PACKED_ATTRIBUTE]).toBeInstanceOf(Uint8Array);
    expect(repacked).not.toHaveProperty('clocks');
    expect(repacked[PERSONAL_DATA_ATTRIBUTE]).toBeInstanceOf(Uint8Array);
    expect((await freshStore().get(complaint.id))?.customer).toEqual(complaint.customer);
  });

  it('reads an item written before encryption (phone in clear) and seals it on its next save', async () => {
    // Prepare
    const legacy = complaintFixture();
    const { customer, ...rest } = legacy;
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { ...rest, customer, ...complaintKey(legacy.id) },
      }),
    );
    const store = freshStore();

    // Act
    const read = await store.get(legacy.id);
    await store.save({ ...read!, version: 2 }, 1);

    // Assess
    expect(read?.customer).toEqual(customer);
    const sealed = await rawItem(legacy.id);
    expect(sealed.customer).toEqual({ locale: 'zh-CN', channels: ['sms'] });
    expect(JSON.stringify(sealed)).not.toContain('+8613812345678');
    expect(JSON.stringify(sealed)).not.toContain('张三');
  });
});
