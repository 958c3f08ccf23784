// What callers ask of a complaint (SPEC section 10), after validation. The API's zod schemas produce
// these shapes; the use cases consume them.
import type { Category, Channel, CloseReason, ContactChannel, Locale, Money, Priority } from './complaint.ts';

export interface NewComplaintInput {
  channel: Channel;
  description: string;
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
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** Close reasons a person may give; the others are set by the workflow or by feedback. */
export const MANUAL_CLOSE_REASONS = [
  'withdrawn',
  'duplicate',
  'reviewed',
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

export type ComplaintAction =
  | (ActionBase & { action: 'accept' })
  | (ActionBase & { action: 'assign'; assignee: string })
  | (ActionBase & { action: 'request-info'; message: string })
  | (ActionBase & { action: 'customer-reply'; message: string })
  | (ActionBase & {
      action: 'resolve';
      resolution: string;
      compensation?: Money;
      /** For damage: how bad, so the suggestion uses the right share of the declared value. */
      damageSeverity?: DamageSeverity;
    })
  | (ActionBase & { action: 'reopen'; reason: string })
  | (ActionBase & { action: 'close'; reason: string; closeReason?: ManualCloseReason })
  | (ActionBase & { action: 'note'; text: string });

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
