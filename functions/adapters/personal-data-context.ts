// The KMS encryption context of sealed personal data. Apart from the cipher so the CDK app can name it in
// IAM conditions without loading the Encryption SDK.

/** What the ciphertext says it is; IAM policies allow the personal-data key only with this purpose. */
export const PERSONAL_DATA_PURPOSE = 'complaint-personal-data';

/** Binds a sealed value to its complaint: it opens only where this context is expected. */
export function personalDataContext(complaintId: string): Record<string, string> {
  return { purpose: PERSONAL_DATA_PURPOSE, complaintId };
}
