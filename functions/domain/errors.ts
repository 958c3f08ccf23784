// Typed domain errors. They carry no HTTP knowledge: the API maps them to status codes in one place
// (functions/commons/http.ts). No parameter properties: Node strips types but does not transform them.

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The complaint does not exist. */
export class ComplaintNotFound extends DomainError {
  readonly code = 'complaint-not-found';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} does not exist`, { complaintId });
  }
}

/** A complaint with this id exists already (create). */
export class ComplaintAlreadyExists extends DomainError {
  readonly code = 'complaint-already-exists';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} exists already`, { complaintId });
  }
}

/** The action is not allowed in the complaint's current status. */
export class TransitionNotAllowed extends DomainError {
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
  readonly code = 'workflow-not-ready';
  constructor(complaintId: string) {
    super(`complaint ${complaintId} is between stages; retry in a moment`, { complaintId });
  }
}

/** The same Idempotency-Key was used before with another request body. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency-key-reused';
  constructor(key: string) {
    super('this Idempotency-Key was already used with a different request body', { idempotencyKey: key });
  }
}

/** Input that passed schema validation but breaks a domain rule (e.g. receivedAt in the future). */
export class InvalidInput extends DomainError {
  readonly code = 'invalid-input';
  readonly errors: { path: string; message: string }[];
  constructor(message: string, errors: { path: string; message: string }[]) {
    super(message, { errors });
    this.errors = errors;
  }
}

/** The caller is known but lacks the role the operation needs. */
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
  }
}

/** No such unit in the organisation directory. */
export class OrgUnitNotFound extends DomainError {
  readonly code = 'org-unit-not-found';
  constructor(kind: string, id: string) {
    super(`no ${kind} ${id} in the organisation directory`, { kind, id });
  }
}
