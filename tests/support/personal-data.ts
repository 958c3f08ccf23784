// A real PersonalDataCipher for tests that need no KMS: the AWS Encryption SDK with a raw AES keyring (a
// random wrapping key per cipher), so store tests still write and read ciphertext as deployed functions do.
import { randomBytes } from 'node:crypto';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { EsdkPersonalDataCipher, kmsKeyring } from '#adapters/esdk-personal-data-cipher';
import { PERSONAL_DATA_KEY_ALIAS, type EmbeddedStack } from '../../infra/local/stack.ts';

export function testCipher(wrappingKey: Uint8Array = randomBytes(32)): EsdkPersonalDataCipher {
  return new EsdkPersonalDataCipher({
    keyring: new RawAesKeyringNode({
      keyNamespace: 'complaints-tests',
      keyName: 'personal-data',
      // A copy: the keyring wipes the array it is given.
      unencryptedMasterKey: Uint8Array.from(wrappingKey),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    }),
    partition: `tests-${randomBytes(4).toString('hex')}`,
  });
}

/** The cipher the embedded stack's handlers use: its local KMS and its personal-data key. */
export function stackCipher(stack: EmbeddedStack): EsdkPersonalDataCipher {
  const client = new KMS({
    endpoint: stack.kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new EsdkPersonalDataCipher({
    keyring: kmsKeyring(stack.kms.key(PERSONAL_DATA_KEY_ALIAS).arn, () => client),
    partition: `tests-${randomBytes(4).toString('hex')}`,
  });
}
