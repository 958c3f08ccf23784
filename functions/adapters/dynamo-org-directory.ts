// OrgDirectoryStore on the complaints table: the directory is one partition (`ORG`), a unit per item
// (`UNIT#{kind}#{id}`) written with a version condition, and per alert recipient the staff topic
// subscriptions it holds (`RECIPIENT#{protocol}:{endpoint}`). docs/data-model.md.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { VersionConflict } from '#domain/errors';
import type { OrgUnit, UnitKind } from '#domain/organisation';
import type { OrgDirectoryStore, RecipientSubscriptions } from '#domain/ports';
import { ORG_PARTITION, TABLE_KEY, orgRecipientKey, orgUnitKey } from './table-design.ts';

type Item = Record<string, unknown>;

export class DynamoOrgDirectory implements OrgDirectoryStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.#doc = doc;
    this.#tableName = tableName;
  }

  async getUnit(kind: UnitKind, id: string): Promise<OrgUnit | undefined> {
    const { Item: item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: orgUnitKey(kind, id), ConsistentRead: true }),
    );
    return item === undefined ? undefined : (withoutKeys(item) as unknown as OrgUnit);
  }

  async listUnits(): Promise<OrgUnit[]> {
    const units: OrgUnit[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :unit)',
          ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey, '#sk': TABLE_KEY.sortKey },
          ExpressionAttributeValues: { ':pk': ORG_PARTITION, ':unit': 'UNIT#' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      units.push(...(page.Items ?? []).map((item) => withoutKeys(item) as unknown as OrgUnit));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return units;
  }

  async putUnit(unit: OrgUnit): Promise<void> {
    const expected = unit.version - 1;
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...unit, ...orgUnitKey(unit.kind, unit.id) },
          ...(expected === 0
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE_KEY.partitionKey },
              }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expected },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        const stored = await this.getUnit(unit.kind, unit.id);
        throw new VersionConflict(expected, stored?.version ?? 0);
      }
      throw error;
    }
  }

  async getRecipient(key: string): Promise<RecipientSubscriptions | undefined> {
    const { Item: item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tableName, Key: orgRecipientKey(key), ConsistentRead: true }),
    );
    return item === undefined ? undefined : (withoutKeys(item) as unknown as RecipientSubscriptions);
  }

  async putRecipient(record: RecipientSubscriptions): Promise<void> {
    await this.#doc.send(
      new PutCommand({ TableName: this.#tableName, Item: { ...record, ...orgRecipientKey(record.key) } }),
    );
  }

  async deleteRecipient(key: string): Promise<void> {
    await this.#doc.send(new DeleteCommand({ TableName: this.#tableName, Key: orgRecipientKey(key) }));
  }
}

function withoutKeys(item: Item): Item {
  const { [TABLE_KEY.partitionKey]: _pk, [TABLE_KEY.sortKey]: _sk, ...rest } = item;
  return rest;
}
