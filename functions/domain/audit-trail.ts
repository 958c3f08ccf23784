// The audit trail (SPEC section 9): every timeline event of a complaint in one append-only hash chain. Each
// event commits to the one before it (sha-256 over a canonical JSON encoding), and the complaint keeps the
// chain's head, so an event changed, removed, reordered or moved from another complaint breaks the chain at
// a link the verifier names. Personal free text (notes, messages, reasons) sits apart from the facts: the
// chain commits to a salted digest of it, so erasure (PIPL) can remove the text and its salt while every
// link still verifies, and the digest left behind cannot be matched against guesses. Pure.
import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { Instant, Status, TimelineEvent } from './complaint.ts';

/** The `prev` of a complaint's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an erased text reads as. */
export const ERASED_TEXT = '[erased]';

/** The event erasure appends; its `reference` is what redacted events point to. */
export const ERASED_EVENT_TYPE = 'erased';

/**
 * Keys of an event's `data` that hold free text a person wrote (and so may name or describe the customer).
 * Whatever new events carry, free text under one of these keys is kept apart from the facts.
 */
export const PERSONAL_TEXT_KEYS: readonly string[] = [
  'text',
  'message',
  'reason',
  'comment',
  'description',
  'resolution',
  'name',
  'phone',
];

/** Where one of those keys holds a fact rather than free text (the `closed` event's reason is an enum). */
const FACT_KEYS_BY_TYPE: Readonly<Record<string, readonly string[]>> = { closed: ['reason'] };

/** The chain's head as the complaint item keeps it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** One event as the audit trail stores it. */
export interface ChainedEvent {
  complaintId: string;
  /** 1, 2, 3, ... without gaps. */
  seq: number;
  at: Instant;
  type: string;
  actor: string;
  from?: Status;
  to?: Status;
  /** The event's data without its personal free text. */
  facts?: Record<string, unknown>;
  /** The personal free text and the salt of its digest; erasure replaces the text and drops the salt. */
  personal?: { salt?: string; text: Record<string, unknown> };
  /** sha-256 of the canonical `{ salt, text }`: what the chain commits to instead of the text. */
  personalDigest?: string;
  /** Set by erasure: the personal text was removed under this erasure request. */
  redacted?: { at: Instant; reference: string };
  /** The previous event's hash (GENESIS_HASH for the first). */
  prev: string;
  hash: string;
}

export type ChainVerdict =
  | { intact: true; events: number; head: ChainHead | undefined }
  | { intact: false; events: number; brokenAt: { seq: number; reason: string } };

/** Canonical JSON (keys sorted, no whitespace, undefined members left out): equal values, equal bytes. */
export function canonicalJson(value: unknown): string {
  return stableStringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash an event must carry: everything but its personal text, salt, redaction mark and own hash. */
export function eventHash(event: Omit<ChainedEvent, 'hash'>): string {
  return sha256(
    canonicalJson({
      v: 1,
      complaintId: event.complaintId,
      seq: event.seq,
      at: event.at,
      type: event.type,
      actor: event.actor,
      from: event.from,
      to: event.to,
      facts: event.facts,
      personalDigest: event.personalDigest,
      prev: event.prev,
    }),
  );
}

function personalDigest(personal: { salt?: string; text: Record<string, unknown> }): string {
  return sha256(canonicalJson({ salt: personal.salt, text: personal.text }));
}

function isPersonalKey(type: string, key: string): boolean {
  return PERSONAL_TEXT_KEYS.includes(key) && !(FACT_KEYS_BY_TYPE[type] ?? []).includes(key);
}

/**
 * Appends `events` to the chain that ends at `head` (none: a new chain). `salt` draws a fresh random salt
 * for each event's personal text (the adapter passes node:crypto; tests pass a fixed one).
 */
export function chainEvents(
  complaintId: string,
  head: ChainHead | undefined,
  events: readonly TimelineEvent[],
  salt: () => string,
): ChainedEvent[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  return events.map((event) => {
    seq += 1;
    const chained: Omit<ChainedEvent, 'hash'> = {
      complaintId,
      seq,
      at: event.at,
      type: event.type,
      actor: event.actor,
      prev,
    };
    if (event.from) chained.from = event.from;
    if (event.to) chained.to = event.to;
    const facts: Record<string, unknown> = {};
    const text: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event.data ?? {})) {
      if (value === undefined) continue;
      if (isPersonalKey(event.type, key)) text[key] = value;
      else facts[key] = value;
    }
    if (Object.keys(facts).length > 0) chained.facts = facts;
    if (Object.keys(text).length > 0) {
      chained.personal = { salt: salt(), text };
      chained.personalDigest = personalDigest(chained.personal);
    }
    const hash = eventHash(chained);
    prev = hash;
    return { ...chained, hash };
  });
}

/** The last event's position, which the complaint keeps as the chain's head. */
export function headOf(events: readonly ChainedEvent[], previous?: ChainHead): ChainHead | undefined {
  const last = events.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : previous;
}

/** The event as the timeline shows it: facts and personal text merged back into `data`. */
export function timelineEventOf(event: ChainedEvent): TimelineEvent {
  const shown: TimelineEvent = { at: event.at, type: event.type, actor: event.actor };
  if (event.from) shown.from = event.from;
  if (event.to) shown.to = event.to;
  const data = { ...event.facts, ...event.personal?.text };
  if (Object.keys(data).length > 0) shown.data = data;
  return shown;
}

/** The event with its personal text erased under `reference`: every link still verifies. */
export function redactEvent(event: ChainedEvent, reference: string, at: Instant): ChainedEvent {
  if (!event.personal || event.redacted) return event;
  const text = Object.fromEntries(Object.keys(event.personal.text).map((key) => [key, ERASED_TEXT]));
  return { ...event, personal: { text }, redacted: { at, reference } };
}

/**
 * Checks a complaint's whole chain against the head its complaint item keeps, and names the first broken
 * link: a missing or repeated sequence number, an event whose content no longer matches its hash, a link
 * that does not point at the event before it, personal text that no longer matches its digest, text
 * redacted without an erasure event in the chain, or events missing after the last one found.
 */
export function verifyChain(
  complaintId: string,
  events: readonly ChainedEvent[],
  head: ChainHead | undefined,
): ChainVerdict {
  const broken = (seq: number, reason: string): ChainVerdict => ({
    intact: false,
    events: events.length,
    brokenAt: { seq, reason },
  });
  const erasures = new Set(
    events.filter((e) => e.type === ERASED_EVENT_TYPE).map((e) => String(e.facts?.reference ?? '')),
  );
  let prev = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const seq = index + 1;
    if (event.seq !== seq) return broken(seq, `event ${seq} is missing (found ${event.seq} in its place)`);
    if (event.complaintId !== complaintId) return broken(seq, 'the event belongs to another complaint');
    if (event.prev !== prev) return broken(seq, 'the event does not link to the event before it');
    if (eventHash(event) !== event.hash) return broken(seq, "the event's content does not match its hash");
    if (event.personal !== undefined || event.personalDigest !== undefined) {
      if (!event.personal || event.personalDigest === undefined)
        return broken(seq, "the event's personal text or its digest is missing");
      if (event.redacted) {
        if (!erasures.has(event.redacted.reference))
          return broken(seq, 'personal text was removed without an erasure event in the chain');
        if (Object.values(event.personal.text).some((value) => value !== ERASED_TEXT))
          return broken(seq, 'the redacted text was changed');
      } else if (personalDigest(event.personal) !== event.personalDigest) {
        return broken(seq, "the event's personal text does not match its digest");
      }
    } else if (event.redacted) {
      return broken(seq, 'a redaction mark on an event without personal text');
    }
    prev = event.hash;
  }
  const last = events.at(-1);
  if (head === undefined) {
    return last === undefined
      ? { intact: true, events: 0, head }
      : broken(1, 'the complaint keeps no chain head for these events');
  }
  if (!last || last.seq < head.seq) {
    return broken((last?.seq ?? 0) + 1, `events ${(last?.seq ?? 0) + 1} to ${head.seq} are missing`);
  }
  if (last.seq > head.seq) return broken(head.seq + 1, 'events beyond the head the complaint keeps');
  if (last.hash !== head.hash) return broken(last.seq, 'the last event is not the head the complaint keeps');
  return { intact: true, events: events.length, head };
}
