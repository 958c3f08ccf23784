// Typed domain errors. They carry no HTTP knowledge: the API maps them to status codes in one place
// (functions/commons/http.ts). No parameter properties: Node strips types but does not transform them.
//
// Every error spells its `name` out: Lambda reports it as the error type that the state machines' Retry
// and Catch match on ("VersionConflict"), and a name taken from the class (new.target.name) is whatever
// the minifier renamed the class to in the deployed bundle ("jr"). `npm run probe:error-names` shows it.

export abstract class DomainError extends Error {
  abstract override readonly name: string;
  abstract readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

/** The complaint does not exist. */
export class ComplaintNotFound extends DomainError {
  override readonly name = 'ComplaintNotFound';
  readonly code = 'complaint-not-found';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} does not exist`, { complaintId });
  }
}

/** A complaint with this id exists already (create). */
export class ComplaintAlreadyExists extends DomainError {
  override readonly name = 'ComplaintAlreadyExists';
  readonly code = 'complaint-already-exists';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} exists already`, { complaintId });
  }
}

/** The action is not allowed in the complaint's current status. */
export class TransitionNotAllowed extends DomainError {
  override readonly name = 'TransitionNotAllowed';
  readonly code = 'transition-not-allowed';
  constructor(action: string, status: string, allowed: readonly string[]) {
    super(`action '${action}' is not allowed while the complaint is '${status}'`, {
      action,
      status,
      allowedActions: [...allowed],
    });
  }
}

/** The caller's expectedVersion (or the version read before a write) is no longer current. */
export class VersionConflict extends DomainError {
  override readonly name = 'VersionConflict';
  readonly code = 'version-conflict';
  constructor(expected: number, actual: number | undefined) {
    super(`expected version ${expected} but the complaint is at version ${actual ?? 'unknown'}`, {
      expectedVersion: expected,
      currentVersion: actual,
    });
  }
}

/** The workflow is not (yet) waiting for an action on this complaint, e.g. right after registration. */
export class WorkflowNotReady extends DomainError {
  override readonly name = 'WorkflowNotReady';
  readonly code = 'workflow-not-ready';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} is between stages; retry in a moment`, { complaintId });
  }
}

/** The same Idempotency-Key was used before with another request body. */
export class IdempotencyKeyReused extends DomainError {
  override readonly name = 'IdempotencyKeyReused';
  readonly code = 'idempotency-key-reused';
  constructor(key: string) {
    super('this Idempotency-Key was already used with a different request body', { idempotencyKey: key });
  }
}

/** Input that passed schema validation but breaks a domain rule (e.g. receivedAt in the future). */
export class InvalidInput extends DomainError {
  override readonly name = 'InvalidInput';
  readonly code = 'invalid-input';
  readonly errors: { path: string; message: string }[];
  constructor(message: string, errors: { path: string; message: string }[]) {
    super(message, { errors });
    this.errors = errors;
  }
}

/** A per-complaint cap is reached (notes, review cycles, information requests): nothing more of that kind. */
export class LimitReached extends DomainError {
  override readonly name = 'LimitReached';
  readonly code = 'limit-reached';
  constructor(limit: string, max: number) {
    super(`this complaint has reached its limit of ${max} ${limit}`, { limit, max });
  }
}

/** One value is longer than the complaint may store (e.g. a note's text). */
export class ContentTooLarge extends DomainError {
  override readonly name = 'ContentTooLarge';
  readonly code = 'content-too-large';
  readonly errors: { path: string; message: string }[];
  constructor(path: string, max: number, actual: number) {
    const message = `at most ${max} characters (got ${actual})`;
    super(`${path} is too long: ${message}`, { errors: [{ path, message }] });
    this.errors = [{ path, message }];
  }
}

/** The caller's roles do not allow the operation (functions/domain/permissions.ts). */
export class AccessDenied extends DomainError {
  override readonly name = 'AccessDenied';
  readonly code = 'forbidden';
  constructor(operation: string, reason: string) {
    super(reason, { operation });
  }
}

/** No such unit in the organisation directory. */
export class OrgUnitNotFound extends DomainError {
  override readonly name = 'OrgUnitNotFound';
  readonly code = 'org-unit-not-found';
  constructor(kind: string, id: string) {
    super(`no ${kind} ${id} in the organisation directory`, { kind, id });
  }
}

/** No incident with this id. */
export class IncidentNotFound extends DomainError {
  override readonly name = 'IncidentNotFound';
  readonly code = 'incident-not-found';
  constructor(incidentId: string) {
    super(`incident ${incidentId} does not exist`, { incidentId });
  }
}

/** The incident's status does not allow the action, or a bulk resolution with another answer runs. */
export class IncidentConflict extends DomainError {
  override readonly name = 'IncidentConflict';
  readonly code = 'incident-conflict';
  constructor(message: string, status: string) {
    super(message, { status });
  }
}
