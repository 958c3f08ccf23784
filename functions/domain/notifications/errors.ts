// Errors of notification content and delivery. SmsOptedOut lives in the domain so that the use case can
// record the opt-out (customer.smsOptedOutAt) without knowing which adapter raised it.
import { DomainError } from '../errors.ts';

/** The SMS provider refuses the number: its holder opted out. Not retryable. Carries no phone number. */
export class SmsOptedOut extends DomainError {
  override readonly name = 'SmsOptedOut';
  readonly code = 'sms-opted-out';
  constructor(complaintId: string, key: string) {
    super(`the customer of complaint ${complaintId} opted out of SMS; message ${key} not sent`, {
      complaintId,
      key,
    });
  }
}

/** A template names a variable the caller did not supply: a programming error, never sent half-filled. */
export class TemplateVariableMissing extends Error {
  readonly variable: string;
  constructor(variable: string, template: string) {
    super(`template variable {${variable}} has no value (template: ${template.slice(0, 60)}…)`);
    this.name = 'TemplateVariableMissing';
    this.variable = variable;
  }
}

/** The complaint lacks what a message must say (e.g. a received text without a resolution deadline). */
export class NotificationDataMissing extends Error {
  constructor(event: string, what: string) {
    super(`notification '${event}' needs ${what}, which the complaint does not have`);
    this.name = 'NotificationDataMissing';
  }
}

/**
 * The SMS provider refused the text for now (flow control, throttling, a daily or monthly cap): nothing was
 * sent and the same text may go later, after a long wait. Carries no phone number.
 */
export class SendThrottled extends DomainError {
  override readonly name = 'SendThrottled';
  readonly code = 'send-throttled';
  /** The provider's own code (e.g. isv.BUSINESS_LIMIT_CONTROL, ThrottlingException). */
  readonly providerCode: string;
  constructor(provider: string, providerCode: string, meta: { complaintId: string; key: string }) {
    super(`${provider} throttled message ${meta.key} of complaint ${meta.complaintId} (${providerCode})`, {
      provider,
      providerCode,
      complaintId: meta.complaintId,
      key: meta.key,
    });
    this.providerCode = providerCode;
  }
}

/**
 * The SMS provider refused the text for good (blocked or invalid number, unregistered template or
 * signature, a parameter it will never accept): sending it again changes nothing. Carries no phone number.
 */
export class SendRejected extends DomainError {
  override readonly name = 'SendRejected';
  readonly code = 'send-rejected';
  readonly providerCode: string;
  constructor(provider: string, providerCode: string, meta: { complaintId: string; key: string }) {
    super(`${provider} rejected message ${meta.key} of complaint ${meta.complaintId} (${providerCode})`, {
      provider,
      providerCode,
      complaintId: meta.complaintId,
      key: meta.key,
    });
    this.providerCode = providerCode;
  }
}

/** No delivery of that message is recorded for the complaint. */
export class DeliveryNotFound extends DomainError {
  override readonly name = 'DeliveryNotFound';
  readonly code = 'delivery-not-found';
  constructor(complaintId: string, key: string) {
    super(`no delivery of message ${key} is recorded for complaint ${complaintId}`, { complaintId, key });
  }
}

/**
 * An operator asked to re-send a delivery that is not waiting for one (sent, scheduled, or re-sent
 * already): a second re-send of the same failure is refused, so a customer never gets it twice that way.
 */
export class DeliveryNotResendable extends DomainError {
  override readonly name = 'DeliveryNotResendable';
  readonly code = 'delivery-not-resendable';
  constructor(complaintId: string, key: string, status: string) {
    super(`message ${key} of complaint ${complaintId} is ${status}: there is nothing to re-send`, {
      complaintId,
      key,
      status,
    });
  }
}
