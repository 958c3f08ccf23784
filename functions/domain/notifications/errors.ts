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

/**
 * The provider refused the message for now (rate or flow control): nothing went out, and the same message
 * may be sent later. The delivery workflow retries it with a long backoff of its own.
 */
export class SendThrottled extends DomainError {
  override readonly name = 'SendThrottled';
  readonly code = 'send-throttled';
  constructor(complaintId: string, key: string, providerCode: string) {
    super(`the provider throttled message ${key} of complaint ${complaintId} (${providerCode})`, {
      complaintId,
      key,
      providerCode,
    });
  }
}

/**
 * The provider refused the message for good (an invalid or blocked number, a disabled endpoint, a bad
 * template): nothing went out, and sending it again would be refused again. Never retried.
 */
export class SendRejected extends DomainError {
  override readonly name = 'SendRejected';
  readonly code = 'send-rejected';
  constructor(complaintId: string, key: string, providerCode: string) {
    super(`the provider rejected message ${key} of complaint ${complaintId} (${providerCode})`, {
      complaintId,
      key,
      providerCode,
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
