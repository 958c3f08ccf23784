// Records every write the handlers send to DynamoDB with the item as it was before and after, so a run's
// write units can be computed from item sizes (functions/adapters/write-units.ts) for any index design.
// dynalite reports no index capacity and sizes strings in UTF-16, so ReturnConsumedCapacity cannot say it.
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemImage } from '#adapters/write-units';

export interface RecordedWrite {
  operation: string;
  before?: ItemImage;
  after?: ItemImage;
  /** A conditional write that failed: DynamoDB still charges it. */
  failed: boolean;
  /**
   * The complaint a report counter write belongs to: counters are shared items, so the complaint is read
   * from the change key (`{id}#{version}`) the write adds to or deletes from `inflight`.
   */
  complaintId?: string;
}

const CHANGE_KEY = /^([0-9A-HJKMNP-TV-Z]{26})#\d+$/;

/** The complaint id a write's values name through a report change key, if any. */
function changeKeyOwner(values: Record<string, AttributeValue> | undefined): string | undefined {
  for (const value of Object.values(values ?? {})) {
    for (const text of [value.S, ...(value.SS ?? [])]) {
      const match = text === undefined ? null : CHANGE_KEY.exec(text);
      if (match) return match[1];
    }
  }
  return undefined;
}

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
]);

export function recordWrites(doc: DynamoDBDocumentClient, endpoint: string): RecordedWrite[] {
  const reader = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const writes: RecordedWrite[] = [];
  const read = async (
    tableName: string,
    key: Record<string, AttributeValue>,
  ): Promise<ItemImage | undefined> =>
    (await reader.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      const input = args.input as {
        TableName: string;
        Item?: ItemImage;
        Key?: Record<string, AttributeValue>;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      };
      const owner = changeKeyOwner(input.ExpressionAttributeValues);
      const key = input.Key ?? { pk: input.Item?.pk as AttributeValue, sk: input.Item?.sk as AttributeValue };
      const before = await read(input.TableName, key);
      try {
        const output = await next(args);
        const after = await read(input.TableName, key);
        writes.push({
          operation: context.commandName ?? '',
          ...(before ? { before } : {}),
          ...(after ? { after } : {}),
          failed: false,
          ...(owner ? { complaintId: owner } : {}),
        });
        return output;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
          writes.push({
            operation: context.commandName ?? '',
            ...(before ? { before } : {}),
            ...(input.Item ? { after: input.Item } : {}),
            failed: true,
            ...(owner ? { complaintId: owner } : {}),
          });
        }
        throw error;
      }
    },
    { step: 'build', name: 'recordWrites' },
  );
  return writes;
}

/**
 * Which complaint a write belongs to: its partition, its report marker (`REPORTED#{id}`), the change key a
 * report counter write carries, or the complaint a claim item names.
 */
export function complaintOf(write: RecordedWrite): string | undefined {
  if (write.complaintId !== undefined) return write.complaintId;
  const item = write.after ?? write.before;
  const pk = item?.pk?.S ?? '';
  if (pk.startsWith('COMPLAINT#')) return pk.slice('COMPLAINT#'.length);
  if (pk.startsWith('REPORTED#')) return pk.slice('REPORTED#'.length);
  return item?.complaintId?.S;
}
