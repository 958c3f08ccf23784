// The AttachmentIndex port on the complaints table: one small item per attachment beside the complaint
// (pk COMPLAINT#{id}, sk ATTACHMENT#{slot}), so attaching a file never grows the complaint item. The slot
// (00, 01, ...) bounds the count without a transaction: a reservation puts the first free slot under
// `attribute_not_exists`, so two racing uploads never share one and no complaint holds more than `max`.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Attachment } from '#domain/attachments';
import type { AttachmentIndex } from '#domain/ports';
import { COMPLAINT_PARTITION_PREFIX } from './table-design.ts';

const ATTACHMENT_PREFIX = 'ATTACHMENT#';
const slotKey = (slot: number) => `${ATTACHMENT_PREFIX}${String(slot).padStart(2, '0')}`;
const partition = (complaintId: string) => `${COMPLAINT_PARTITION_PREFIX}${complaintId}`;

interface AttachmentItem extends Attachment {
  pk: string;
  sk: string;
}

const fromItem = ({ pk: _pk, sk: _sk, ...attachment }: AttachmentItem): Attachment => attachment;

export class DynamoAttachmentIndex implements AttachmentIndex {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async reserve(
    attachment: Attachment,
    max: number,
    abandonedBefore: string,
  ): Promise<{ reserved: boolean; reclaimed: Attachment[] }> {
    const reclaimed: Attachment[] = [];
    for (;;) {
      const items = await this.#items(attachment.complaintId);
      const taken = new Set(items.map((item) => item.sk));
      const free = Array.from({ length: max }, (_, slot) => slotKey(slot)).find((sk) => !taken.has(sk));
      if (free === undefined) {
        // Full: the oldest reservation whose upload was never confirmed in time gives up its place.
        const abandoned = items
          .filter((i) => i.status === 'pending' && i.requestedAt < abandonedBefore)
          .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))[0];
        if (abandoned === undefined) return { reserved: false, reclaimed };
        if (await this.#removePending(abandoned)) reclaimed.push(fromItem(abandoned));
        continue;
      }
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { pk: partition(attachment.complaintId), sk: free, ...attachment },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { reserved: true, reclaimed };
      } catch (error) {
        // Another upload took this slot between the read and the put: look again.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  async get(complaintId: string, attachmentId: string): Promise<Attachment | undefined> {
    const item = (await this.#items(complaintId)).find((i) => i.id === attachmentId);
    return item && fromItem(item);
  }

  async list(complaintId: string): Promise<Attachment[]> {
    return (await this.#items(complaintId))
      .map(fromItem)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async accept(complaintId: string, attachmentId: string, size: number, at: string): Promise<Attachment> {
    const item = (await this.#items(complaintId)).find((i) => i.id === attachmentId);
    if (!item) throw new Error(`attachment ${attachmentId} of ${complaintId} is not recorded`);
    if (item.status === 'accepted') return fromItem(item);
    const updated = await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET #status = :accepted, #size = :size, acceptedAt = :at',
        ConditionExpression: 'id = :id',
        ExpressionAttributeNames: { '#status': 'status', '#size': 'size' },
        ExpressionAttributeValues: { ':accepted': 'accepted', ':size': size, ':at': at, ':id': attachmentId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(updated.Attributes as AttachmentItem);
  }

  async markErased(complaintId: string, attachmentId: string, at: string): Promise<void> {
    const item = (await this.#items(complaintId)).find((i) => i.id === attachmentId);
    if (!item || item.status === 'erased') return;
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET #status = :erased, erasedAt = :at',
        ConditionExpression: 'id = :id',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':erased': 'erased', ':at': at, ':id': attachmentId },
      }),
    );
  }

  async remove(complaintId: string, attachmentId: string): Promise<void> {
    const item = (await this.#items(complaintId)).find((i) => i.id === attachmentId);
    if (item) await this.#removePending(item);
  }

  /** Deletes a pending item: never an accepted one, nor a slot another attachment took meanwhile. */
  async #removePending(item: AttachmentItem): Promise<boolean> {
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { pk: item.pk, sk: item.sk },
          ConditionExpression: 'id = :id AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':id': item.id, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }

  /** Every attachment item of the complaint: at most `max` slots, one query page. */
  async #items(complaintId: string): Promise<AttachmentItem[]> {
    const result = await this.#doc.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition(complaintId), ':prefix': ATTACHMENT_PREFIX },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []) as AttachmentItem[];
  }
}
