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
      };
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
        });
        return output;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
          writes.push({
            operation: context.commandName ?? '',
            ...(before ? { before } : {}),
            ...(input.Item ? { after: input.Item } : {}),
            failed: true,
          });
        }
        throw error;
      }
    },
    { step: 'build', name: 'recordWrites' },
  );
  return writes;
}

/** Which complaint a write belongs to: its partition, or the complaint a claim item names. */
export function complaintOf(write: RecordedWrite): string | undefined {
  const item = write.after ?? write.before;
  const pk = item?.pk?.S ?? '';
  if (pk.startsWith('COMPLAINT#')) return pk.slice('COMPLAINT#'.length);
  return item?.complaintId?.S;
}
