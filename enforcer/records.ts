// Storage namespaces, defined once: the only place they are strings. The enforcer's own documents
// (passports, approvals, permits, idempotency) are reached only through `Enforcer`'s API; the layers
// above keep their few documents (API keys, passport public keys, approval links, ...) through
// `Records`, a typed view of one namespace, and never touch store documents themselves.

import type { Store } from "./store";

export const NAMESPACES = {
  passports: "passports",
  approvals: "approvals",
  permits: "permits",
  idempotency: "idempotency",
  passportKeys: "passport_keys",
  apiKeys: "api_keys",
  server: "server",
  popNonces: "pop_nonces",
  approvalLinks: "hitl_links",
  approvalPermits: "hitl_permits",
  phoneOptOuts: "hitl_optout",
  /** Signatures of operator messages already acted on (SMS replies): the replay cache every worker shares. */
  seenMessages: "hitl_seen_messages",
  /** The Slack message posted for each approval (channel and ts), so the reply can update it. */
  slackMessages: "hitl_slack_messages",
  /** Slack interactivity requests already acted on (by signature). */
  slackSeen: "hitl_slack_seen",
  /** Twilio MessageSids already acted on. */
  twilioSids: "hitl_twilio_sids",
  /**
   * Approvers of each issuer (a phone or an e-mail address), pending a confirmation code or
   * confirmed: `<kind>:<address>|<issuer>` (docs/decisions.md "Approvers confirm").
   */
  approvers: "hitl_approvers",
} as const;

export type RecordKind = keyof typeof NAMESPACES;
export type Namespace = (typeof NAMESPACES)[RecordKind];
/** The enforcer's own namespaces: read and written by `Enforcer` only. */
export type EnforcerRecordKind = "passports" | "approvals" | "permits" | "idempotency";
/** Namespaces the layers above keep their documents in, through `Records`. */
export type SharedRecordKind = Exclude<RecordKind, EnforcerRecordKind>;

export interface RecordPutOptions {
  /** Write only if no live record has this key; false is returned otherwise. */
  ifAbsent?: boolean;
  ttlMs?: number;
  /** Epoch ms for the time-to-live (default: the store's clock). */
  now?: number;
}

/** JSON records of one kind, by key, in the enforcer's store (so every node and process sees them). */
export class Records<T> {
  private readonly ns: Namespace;

  constructor(
    private readonly store: Store,
    kind: SharedRecordKind,
  ) {
    this.ns = NAMESPACES[kind];
  }

  /** The record, or null when absent or expired at `now`. */
  async get(key: string, now?: number): Promise<T | null> {
    const doc = await this.store.getDoc(this.ns, key, now === undefined ? undefined : { now });
    return doc ? (JSON.parse(doc.json) as T) : null;
  }

  /** Writes the record; false when `ifAbsent` and one exists. */
  put(key: string, value: T, opts?: RecordPutOptions): Promise<boolean> {
    return this.store.putDoc(this.ns, key, JSON.stringify(value), opts);
  }

  /** Reads and deletes the record in one step: the first caller gets it, later ones null. */
  async take(key: string, now?: number): Promise<T | null> {
    const doc = await this.store.takeDoc(this.ns, key, now === undefined ? undefined : { now });
    return doc ? (JSON.parse(doc.json) as T) : null;
  }

  delete(key: string): Promise<boolean> {
    return this.store.deleteDoc(this.ns, key);
  }

  /** Every live record, by key (the store's order: sorted by key); with `prefix`, only keys that start with it. */
  async list(prefix?: string): Promise<Array<{ key: string; value: T }>> {
    return (await this.store.listDocs(this.ns, prefix === undefined ? undefined : { prefix })).map((d) => ({ key: d.key, value: JSON.parse(d.json) as T }));
  }
}
