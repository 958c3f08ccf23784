// Open complaints written straight into the complaints table (BatchWriteItem, 25 a request), for the
// benchmarks that need tens of thousands of them: registering each through the API runs its whole intake
// (14.5 requests, a text) at about 50 a second here, which would measure intake for 17 minutes at 50,000.
//
// Each is a real complaint built by the domain (registerComplaint), in `received`, normal priority, its
// customer sealed under the stack's KMS key as the store seals it, with its own id, short number and phone
// hash, so every index holds it as it would hold a registered one. What is not there is its execution:
// the embedded stack's start-up pass (a deep reconcile) finds each open complaint without one and starts
// it, exactly as after a restart, and the workflow runs to AwaitStage and waits on the stage's timer.
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { complaintItem } from '#adapters/dynamo-complaint-store';
import { EsdkPersonalDataCipher, kmsKeyring } from '#adapters/esdk-personal-data-cipher';
import { createCalendars } from '#domain/calendars';
import type { Complaint } from '#domain/complaint';
import { shortComplaintNumber } from '#domain/notifications/short-id';
import { classificationOf, registerComplaint } from '#domain/registration';
import { DEFAULT_SLA_POLICY } from '#domain/sla';

export interface SeedTarget {
  dynamoEndpoint: string;
  kmsEndpoint: string;
  /** PERSONAL_DATA_KEY_ARN of the stack. */
  personalDataKeyArn: string;
  tableName?: string;
}

export interface Seeded {
  ids: string[];
  seconds: number;
}

const BATCH = 25;
const WRITERS = 8;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The same input for every seeded complaint: a delay complaint from the web, one phone and name. */
const SEED_INPUT = {
  channel: 'web' as const,
  description: '快递寄出五天了还没到，物流信息一直不更新',
  customer: { phone: '+8613800000000', name: '张三' },
};

/** A complaint the domain registers at `at` (normal priority), to copy with each seeded one's own ids. */
export function complaintTemplate(at: Date): Complaint {
  return registerComplaint(
    SEED_INPUT,
    {
      id: 'TEMPLATE',
      shortId: 'TEMPLATE',
      phoneHash: 'TEMPLATE',
      registeredBy: 'client:bench',
      registrar: { actor: 'bench' },
    },
    classificationOf(SEED_INPUT),
    { now: at, policy: DEFAULT_SLA_POLICY, calendars: createCalendars() },
  );
}

/** A template's copy with its own id, short number and phone hash. */
export function seededCopy(template: Complaint, phoneHash: string): Complaint {
  const id = ulid();
  return { ...template, id, shortId: shortComplaintNumber(id), phoneHash };
}

/**
 * Writes `count` complaints, the n-th one `build(n)`, sealed under the stack's KMS key as the store seals
 * them, 25 a BatchWriteItem and 8 requests in flight. Returns the seconds it took.
 */
export async function writeComplaints(
  target: SeedTarget,
  count: number,
  build: (n: number) => Complaint,
  onProgress?: (written: number) => void,
): Promise<number> {
  const kms = new KMS({ endpoint: target.kmsEndpoint, region: 'us-east-1', credentials });
  const cipher = new EsdkPersonalDataCipher({ keyring: kmsKeyring(target.personalDataKeyArn, () => kms) });
  const dynamo = new DynamoDBClient({ endpoint: target.dynamoEndpoint, region: 'us-east-1', credentials });
  const doc = DynamoDBDocumentClient.from(dynamo);
  const table = target.tableName ?? 'complaints';
  const startedAt = performance.now();
  let next = 0;
  let written = 0;
  const writer = async () => {
    while (next < count) {
      const first = next;
      next = Math.min(count, next + BATCH);
      let items = await Promise.all(
        Array.from({ length: next - first }, async (_, i) => {
          const c = build(first + i);
          // Sealed as the store seals them: under the stack's KMS stand-in, bound to the complaint's id.
          const sealed = await cipher.seal(c.id, c.customer);
          return { PutRequest: { Item: complaintItem(c, sealed) } };
        }),
      );
      const size = items.length;
      while (items.length > 0) {
        const answer = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
        items = (answer.UnprocessedItems?.[table] ?? []) as typeof items;
      }
      written += size;
      onProgress?.(written);
    }
  };
  try {
    await Promise.all(Array.from({ length: WRITERS }, writer));
  } finally {
    dynamo.destroy();
    kms.destroy();
  }
  return (performance.now() - startedAt) / 1000;
}

/**
 * Writes `count` open complaints registered at `registeredAt` (normal priority: their first timer, the
 * response warning, is 12 SLA hours later on DEFAULT_SLA_POLICY). `tag` keeps phone hashes apart between
 * calls on one table.
 */
export async function seedOpenComplaints(
  target: SeedTarget,
  count: number,
  options: { registeredAt?: Date; tag?: string; onProgress?: (written: number) => void } = {},
): Promise<Seeded> {
  const template = complaintTemplate(options.registeredAt ?? new Date());
  const tag = options.tag ?? 'seed';
  const ids: string[] = [];
  const seconds = await writeComplaints(
    target,
    count,
    (n) => {
      const complaint = seededCopy(template, `${tag}-${n}`);
      ids.push(complaint.id);
      return complaint;
    },
    options.onProgress,
  );
  return { ids, seconds };
}
