// What callers ask of a complaint (SPEC section 10), after validation. The API's zod schemas produce
// these shapes; the use cases consume them.
import type { Remedy } from './claims.ts';
import type {
  Category,
  Channel,
  CloseReason,
  ComplaintType,
  ContactChannel,
  Locale,
  Money,
  Priority,
  ResponsibleParty,
} from './complaint.ts';

export interface NewComplaintInput {
  channel: Channel;
  description: string;
  /** 投诉 (default), 建议 or 咨询. */
  type?: ComplaintType;
  category?: Category;
  priority?: Priority;
  trackingNumber?: string;
  /** ISO 8601; defaults to the registration time. */
  receivedAt?: string;
  customer: {
    /** Already normalised to E.164. */
    phone: string;
    name?: string;
    locale?: Locale;
    pushEndpointArn?: string;
    channels?: ContactChannel[];
  };
  outletId?: string;
  regionId?: string;
  declaredValue?: number;
  postage?: number;
  insured?: boolean;
  externalRef?: string;
  /** Channel regulator only (and then required): the regulator's reference and its reply deadline (ISO). */
  regulator?: { reference: string; replyDueAt: string };
}

export const ACTIONS = [
  'accept',
  'assign',
  'request-info',
  'customer-reply',
  'resolve',
  'reopen',
  'close',
  'note',
  'reclassify',
  'route',
  'regulator-reply',
  'offer-compensation',
  'accept-compensation',
  'decline-compensation',
  'record-payment',
  'follow-up',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/**
 * Close reasons a person may give; the others are set by the workflow or by feedback. `withdrawn` tells
 * the customer they withdrew: staff give it only when the customer did; without a reason a staff close is
 * `closed-by-staff` (`reviewed` in review).
 */
export const MANUAL_CLOSE_REASONS = [
  'withdrawn',
  'duplicate',
  'reviewed',
  'unresolved',
  'closed-by-staff',
] as const satisfies readonly CloseReason[];
export type ManualCloseReason = (typeof MANUAL_CLOSE_REASONS)[number];

export const DAMAGE_SEVERITIES = ['minor', 'severe'] as const;
export type DamageSeverity = (typeof DAMAGE_SEVERITIES)[number];

interface ActionBase {
  /** Who acts: the authenticated principal (or the agent it acts for), "customer" for a reply relayed for them. */
  actor: string;
  /** The upstream system that carried the action, when it acted for an agent or relayed the customer's reply. */
  client?: string;
}

export interface ResponsibilityInput {
  party: ResponsibleParty;
  rootCause: string;
  accountableStaffId?: string;
  correctiveAction: string;
}

export type ComplaintAction =
  | (ActionBase & { action: 'accept' })
  | (ActionBase & { action: 'assign'; assignee: string })
  | (ActionBase & { action: 'request-info'; message: string })
  | (ActionBase & {
      action: 'customer-reply';
      message: string;
      /** Photos sent with the reply, accepted onto the complaint before the reply is recorded. */
      attachmentIds?: string[];
    })
  | (ActionBase & {
      action: 'resolve';
      resolution: string;
      compensation?: Money;
      /** For damage: how bad, so the suggestion uses the right share of the declared value. */
      damageSeverity?: DamageSeverity;
      /** Who or what caused it, from the root-cause taxonomy. */
      responsibility?: ResponsibilityInput;
    })
  | (ActionBase & { action: 'reopen'; reason: string })
  | (ActionBase & {
      action: 'close';
      reason: string;
      closeReason?: ManualCloseReason;
      /** closeReason unresolved: what happens next, as the customer was told. */
      nextSteps?: string;
    })
  | (ActionBase & { action: 'note'; text: string })
  | (ActionBase & { action: 'reclassify'; reason: string; category?: Category; type?: ComplaintType })
  | (ActionBase & { action: 'regulator-reply'; text: string })
  | (ActionBase & {
      action: 'offer-compensation';
      remedy: Remedy;
      /** Money only: what is offered. */
      amount?: Money;
      /** Facts for the suggestion recorded beside the offer (SPEC section 7). */
      damageSeverity?: DamageSeverity;
      missingShare?: number;
      actualLoss?: number;
      daysLate?: number;
    })
  | (ActionBase & { action: 'accept-compensation' })
  | (ActionBase & { action: 'decline-compensation'; reason?: string })
  | (ActionBase & { action: 'record-payment'; paymentReference: string })
  | (ActionBase & {
      action: 'follow-up';
      /** Whether the customer answered the call. */
      reached: boolean;
      satisfied?: boolean;
      score?: 1 | 2 | 3 | 4 | 5;
      notes?: string;
    })
  | (ActionBase & {
      action: 'route';
      reason: string;
      outletId?: string;
      regionId?: string;
      /** The lead unit and assisting units (outlet or region ids). */
      leadUnit?: string;
      assistingUnits?: string[];
    });

/** An action as a caller asks for it: who acts comes from authentication, never from the request. */
export type ActionRequest = ComplaintAction extends infer A
  ? A extends ComplaintAction
    ? Omit<A, 'actor' | 'client'>
    : never
  : never;

/** Where a rating came from: the customer's own link, or an intake system that collected it. */
export interface FeedbackSource {
  via: 'link' | 'intake';
  /** The intake system's client id. */
  client?: string;
}

export interface FeedbackInput {
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
}
