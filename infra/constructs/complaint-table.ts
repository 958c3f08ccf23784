// The single DynamoDB table, built from functions/adapters/table-design.ts: the same keys and indexes the
// local stack creates with CreateTable, so the deployed and local tables cannot drift apart.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { complaintTableDefinition, TTL_ATTRIBUTE } from '#adapters/table-design';

export interface ComplaintTableProps {
  encryptionKey: IKey;
}

type KeySchema = { AttributeName?: string; KeyType?: string }[] | undefined;

const ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

const PROJECTION_TYPES: Record<string, ProjectionType> = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
};

export class ComplaintTable extends Construct {
  readonly table: Table;
  /** The global secondary indexes, so grants can name each index instead of `index/*`. */
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: ComplaintTableProps) {
    super(scope, id);
    const design = complaintTableDefinition('unused');
    const attribute = (schema: KeySchema, keyType: 'HASH' | 'RANGE'): Attribute | undefined => {
      const name = schema?.find((key) => key.KeyType === keyType)?.AttributeName;
      if (name === undefined) return undefined;
      const type = design.AttributeDefinitions?.find(
        (definition) => definition.AttributeName === name,
      )?.AttributeType;
      const cdkType = type === undefined ? undefined : ATTRIBUTE_TYPES[type];
      if (cdkType === undefined) throw new Error(`table design: attribute ${name} has no usable type`);
      return { name, type: cdkType };
    };
    const partitionKey = attribute(design.KeySchema, 'HASH');
    if (partitionKey === undefined) throw new Error('table design: no partition key');

    this.table = new Table(this, 'Table', {
      partitionKey,
      sortKey: attribute(design.KeySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      // Complaints are records an operator must keep: a stack deletion leaves the table behind.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of design.GlobalSecondaryIndexes ?? []) {
      const indexPartitionKey = attribute(index.KeySchema, 'HASH');
      const projectionType = PROJECTION_TYPES[index.Projection?.ProjectionType ?? 'ALL'];
      if (index.IndexName === undefined || indexPartitionKey === undefined || projectionType === undefined) {
        throw new Error(`table design: index ${index.IndexName ?? '(unnamed)'} is incomplete`);
      }
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: indexPartitionKey,
        sortKey: attribute(index.KeySchema, 'RANGE'),
        projectionType,
        nonKeyAttributes: index.Projection?.NonKeyAttributes,
      });
    }
    this.indexNames = (design.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
  }
}
