// PersonalDataCipher with the AWS Encryption SDK: envelope encryption of a customer's phone and name under a
// data key that KMS generates and wraps (KMS keyring), bound by the encryption context to the complaint
// it belongs to. A caching materials manager keeps data keys for a few minutes, so rewriting or rereading a
// complaint costs no KMS call; the non-signing committing suite keeps each message small (no ECDSA
// signature) while still refusing a ciphertext that could open under two keys.
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
  type KeyringNode,
  type KMS,
} from '@aws-crypto/client-node';
import type { PersonalData, PersonalDataCipher } from '#domain/ports';
import { PERSONAL_DATA_PURPOSE, personalDataContext } from './personal-data-context.ts';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** Marks the stored format, so a later scheme can be told apart when reading old items. */
const SEALED_PREFIX = 'esdk1:';
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
/** A data key serves one complaint (its id is in the context) for at most this long per container. */
const CACHE_MAX_AGE_MS = 5 * 60_000;
const CACHE_ENTRIES = 1000;
const MAX_MESSAGES_PER_DATA_KEY = 1000;
/** Sealed values this container has read or written lately: rewriting them unchanged costs nothing. */
const REMEMBERED = 1000;

/** A ciphertext that does not belong to the complaint it was read from (copied from another item). */
export class PersonalDataMismatch extends Error {
  constructor(complaintId: string) {
    super(`the personal data stored with complaint ${complaintId} was sealed for another complaint`);
    this.name = 'PersonalDataMismatch';
  }
}

export interface EsdkPersonalDataCipherOptions {
  /** Wraps and unwraps data keys: the KMS keyring when deployed (kmsKeyring below). */
  keyring: KeyringNode;
  /** Cache partition: containers sharing a cache never mix keyrings. */
  partition?: string;
}

/** The KMS keyring for one key (its ARN), calling KMS through the given client. */
export function kmsKeyring(keyArn: string, client: () => KMS): KeyringNode {
  return new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => client() });
}

export class EsdkPersonalDataCipher implements PersonalDataCipher {
  private readonly materials: NodeCachingMaterialsManager;
  private readonly remembered = new Map<string, { sealed: string; plaintext: string }>();

  constructor(options: EsdkPersonalDataCipherOptions) {
    this.materials = new NodeCachingMaterialsManager({
      backingMaterials: options.keyring,
      cache: getLocalCryptographicMaterialsCache(CACHE_ENTRIES),
      maxAge: CACHE_MAX_AGE_MS,
      maxMessagesEncrypted: MAX_MESSAGES_PER_DATA_KEY,
      partition: options.partition ?? PERSONAL_DATA_PURPOSE,
    });
  }

  async seal(complaintId: string, data: PersonalData): Promise<string> {
    const plaintext = JSON.stringify(data.name === undefined ? { phone: data.phone } : data);
    const known = this.remembered.get(complaintId);
    if (known?.plaintext === plaintext) return known.sealed;
    const { result } = await encrypt(this.materials, plaintext, {
      suiteId: SUITE,
      encryptionContext: personalDataContext(complaintId),
    });
    const sealed = SEALED_PREFIX + result.toString('base64');
    this.remember(complaintId, sealed, plaintext);
    return sealed;
  }

  async open(complaintId: string, sealed: string): Promise<PersonalData> {
    const known = this.remembered.get(complaintId);
    const plaintext = known?.sealed === sealed ? known.plaintext : await this.decryptFor(complaintId, sealed);
    this.remember(complaintId, sealed, plaintext);
    const parsed = JSON.parse(plaintext) as PersonalData;
    return parsed.name === undefined ? { phone: parsed.phone } : { phone: parsed.phone, name: parsed.name };
  }

  private async decryptFor(complaintId: string, sealed: string): Promise<string> {
    if (!sealed.startsWith(SEALED_PREFIX)) throw new PersonalDataMismatch(complaintId);
    const { plaintext, messageHeader } = await decrypt(
      this.materials,
      Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64'),
    );
    // The SDK authenticates the context but cannot know which one to expect: the complaint id is checked here.
    const expected = personalDataContext(complaintId);
    for (const [name, value] of Object.entries(expected)) {
      if (messageHeader.encryptionContext[name] !== value) throw new PersonalDataMismatch(complaintId);
    }
    return plaintext.toString('utf8');
  }

  private remember(complaintId: string, sealed: string, plaintext: string): void {
    this.remembered.delete(complaintId);
    this.remembered.set(complaintId, { sealed, plaintext });
    if (this.remembered.size > REMEMBERED) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
  }
}
