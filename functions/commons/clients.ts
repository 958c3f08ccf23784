// AWS SDK v3 clients, created once per container on first use and traced (when tracing is on). There is deliberately no
// endpoint code: the local stack sets AWS_ENDPOINT_URL_DYNAMODB / _SFN / _SNS / _KMS / _S3, which the SDK reads itself.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './powertools.ts';

const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);

let documentClient: DynamoDBDocumentClient | undefined;
let stepFunctions: SFNClient | undefined;
let notifications: SNSClient | undefined;
let keys: KMS | undefined;
let objects: S3Client | undefined;
let sender: SNSClient | undefined;

/** DynamoDB with plain JavaScript values; optional fields left undefined are simply not stored. */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sfnClient(): SFNClient {
  stepFunctions ??= traced(new SFNClient({}));
  return stepFunctions;
}

export function snsClient(): SNSClient {
  notifications ??= traced(new SNSClient({}));
  return notifications;
}

/**
 * SNS for sending customer texts and alerts: one attempt per call. The delivery workflow retries a failed
 * send itself, a throttled one with a backoff of minutes; the SDK's own retries would wait inside the
 * function, holding one of the sender's few concurrent slots while the provider asks to slow down.
 */
export function snsSenderClient(): SNSClient {
  sender ??= traced(new SNSClient({ maxAttempts: 1 }));
  return sender;
}

/** The aggregated KMS client: the shape the AWS Encryption SDK's KMS keyring calls. */
export function kmsClient(): KMS {
  keys ??= traced(new KMS({}));
  return keys;
}

/** S3 for attachments; path-style addressing when configured (the local stand-in has no virtual hosts). */
export function s3Client(forcePathStyle: boolean): S3Client {
  objects ??= traced(new S3Client({ forcePathStyle }));
  return objects;
}
