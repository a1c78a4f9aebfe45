import { randomUUID } from "node:crypto";

import { signature } from "../test/helpers/signature.js";
import type { LookupLedger } from "./lookup-ledger.js";
import { commentPayload, orgMemberPayload, teamMemberPayload } from "./payloads.js";
import { ORGS, USERS, type SoakWorld } from "./world.js";

const WEBHOOK_PATH = "/api/github/webhooks";
const DELIVERY_TIMEOUT_MS = 15_000;
/** A revocation answered 5xx is delivered again after this, as the app's redelivery check asks. */
const REDELIVERY_DELAY_MS = 2_000;
const MAX_ATTEMPTS = 60;

/** What the traffic sent and what came back; every figure counts from the start. */
export interface TrafficCounts {
  sent: number;
  /** "event status" → deliveries answered so. */
  readonly statuses: Map<string, number>;
  /** Deliveries that got no HTTP answer at all (refused, reset, or no answer in 15 s). */
  unanswered: number;
  /** Why they got none: the error's cause, e.g. "other side closed". */
  readonly unansweredWhy: Map<string, number>;
  /** Revocation deliveries sent again after a non-2xx answer. */
  redeliveries: number;
  /** Revocations never acknowledged after every attempt. */
  abandoned: number;
  /** Dispatches for a comment sent after a removal of its author was acknowledged. */
  staleAdmissions: number;
  /**
   * Dispatches for a comment sent after the app answered its author's removal with an error:
   * the app knew, and must distrust its cached members until the removal is written.
   */
  admittedAfterRefusal: number;
  /** Dispatches for a comment sent while its author's removal was on its way (in flight). */
  admittedBeforeAnswer: number;
  /** Dispatches for no comment awaiting one: a second dispatch of a comment, or a very late one. */
  unmatchedDispatches: number;
}

/** A membership change of one user in one org, and the removal keys it sets or clears. */
interface Change {
  readonly org: number;
  readonly user: number;
  readonly added: boolean;
  readonly keys: readonly string[];
}

/** How long one delivery took to be answered, and the fault phase it was sent in. */
export interface Latency {
  readonly phase: string;
  readonly ms: number;
}

/** A removal as the soak follows it; replaced or dropped when the membership changes again. */
interface Removal {
  readonly sentAt: number;
  /** The app's first error answer (non-2xx) to it. */
  refusedAt?: number;
  /** The app's first 2xx answer to it. */
  acknowledgedAt?: number;
}

interface SentComment {
  readonly org: number;
  readonly user: number;
  readonly sentAt: number;
}

/**
 * Mixed signed deliveries, like a busy org: commands from members and non-members, org and team
 * membership changes (applied to the world first, as GitHub does before it sends the webhook),
 * and comments without a command.
 */
export class Traffic {
  readonly counts: TrafficCounts = {
    sent: 0,
    statuses: new Map(),
    unanswered: 0,
    unansweredWhy: new Map(),
    redeliveries: 0,
    abandoned: 0,
    staleAdmissions: 0,
    admittedAfterRefusal: 0,
    admittedBeforeAnswer: 0,
    unmatchedDispatches: 0,
  };
  /** The fault phase in force, to label each delivery's latency with. */
  phase = "calm";
  /** Milliseconds from send to answer, since the last `takeLatencies`. */
  #latencies: Latency[] = [];
  readonly #comments = new Map<number, SentComment>();
  /** "org:user" or "team:org:user" → its removal, while the user stays removed. */
  readonly #removals = new Map<string, Removal>();
  #commentId = 1;
  inFlight = 0;

  constructor(
    private readonly appUrl: string,
    private readonly secret: string,
    private readonly world: SoakWorld,
    private readonly ledger: LookupLedger,
  ) {
    world.onDispatch = (commentId, eventType) => this.#checkDispatch(commentId, eventType);
  }

  /** Sends one delivery picked at random; resolves when it is answered. */
  async sendOne(): Promise<void> {
    const roll = Math.random();
    const org = 1 + Math.floor(Math.random() * ORGS);
    const user = Math.floor(Math.random() * USERS);
    if (roll < 0.55) return this.#comment(org, user, "/deploy staging");
    if (roll < 0.7) return this.#comment(org, user, "/release v1.2.3");
    if (roll < 0.8) return this.#comment(org, user, "LGTM, thanks!");
    if (roll < 0.92) return this.#orgChange(org, user);
    return this.#teamChange(org, user);
  }

  takeLatencies(): Latency[] {
    const taken = this.#latencies;
    this.#latencies = [];
    return taken;
  }

  /** Forgets comments that got no dispatch in time, so that memory stays flat here too. */
  forgetOlderThan(ms: number): void {
    const before = Date.now() - ms;
    for (const [id, comment] of this.#comments) {
      if (comment.sentAt >= before) break;
      this.#comments.delete(id);
    }
  }

  async #comment(org: number, user: number, body: string): Promise<void> {
    const id = this.#commentId++;
    if (body.startsWith("/")) this.#comments.set(id, { org, user, sentAt: Date.now() });
    await this.#deliver("issue_comment", commentPayload(org, user, id, body));
  }

  async #orgChange(org: number, user: number): Promise<void> {
    const member = !this.world.isOrgMember(org, user);
    const keys = [`${org}:${user}`];
    if (!member && this.world.isTeamMember(org, user)) keys.push(`team:${org}:${user}`);
    this.world.setOrgMember(org, user, member);
    const payload = orgMemberPayload(member ? "member_added" : "member_removed", org, user);
    await this.#change({ org, user, added: member, keys }, "organization", payload);
  }

  async #teamChange(org: number, user: number): Promise<void> {
    if (!this.world.isOrgMember(org, user)) return this.#orgChange(org, user);
    const member = !this.world.isTeamMember(org, user);
    this.world.setTeamMember(org, user, member);
    const payload = teamMemberPayload(member ? "added" : "removed", org, user);
    const keys = [`team:${org}:${user}`];
    await this.#change({ org, user, added: member, keys }, "membership", payload);
  }

  /**
   * Sends a membership change already applied to the world, again until the app acknowledges it,
   * and follows a removal from its sending to its acknowledgement.
   */
  async #change(change: Change, event: string, payload: unknown): Promise<void> {
    const removal: Removal | undefined = change.added ? undefined : { sentAt: Date.now() };
    for (const key of change.keys) {
      if (removal === undefined) this.#removals.delete(key);
      else this.#removals.set(key, removal);
    }
    this.ledger.changed(change.org, change.user);

    const delivery = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      const status = await this.#deliver(event, payload, delivery);
      this.ledger.changed(change.org, change.user);
      if (removal !== undefined && status !== 0) {
        if (isSuccess(status)) removal.acknowledgedAt ??= Date.now();
        else removal.refusedAt ??= Date.now();
      }
      if (isSuccess(status)) return;
      if (attempt === MAX_ATTEMPTS) {
        this.counts.abandoned += 1;
        return;
      }
      this.counts.redeliveries += 1;
      await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
    }
  }

  #checkDispatch(commentId: number, eventType: string): void {
    const comment = this.#comments.get(commentId);
    this.#comments.delete(commentId);
    if (comment === undefined) {
      this.counts.unmatchedDispatches += 1;
      return;
    }
    const keys = [`${comment.org}:${comment.user}`];
    if (eventType === "release") keys.push(`team:${comment.org}:${comment.user}`);
    const removals = keys.flatMap((key) => this.#removals.get(key) ?? []);
    const before = (time: (removal: Removal) => number | undefined) =>
      removals.some((removal) => (time(removal) ?? Infinity) < comment.sentAt);
    if (before((removal) => removal.acknowledgedAt)) this.counts.staleAdmissions += 1;
    else if (before((removal) => removal.refusedAt)) this.counts.admittedAfterRefusal += 1;
    else if (before((removal) => removal.sentAt)) this.counts.admittedBeforeAnswer += 1;
  }

  /** Posts one signed delivery; the HTTP status, or 0 when none came. */
  async #deliver(event: string, payload: unknown, delivery = randomUUID()): Promise<number> {
    const body = JSON.stringify(payload);
    const startedAt = performance.now();
    const phase = this.phase;
    this.counts.sent += 1;
    this.inFlight += 1;
    try {
      const response = await fetch(`${this.appUrl}${WEBHOOK_PATH}`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": delivery,
          "x-hub-signature-256": signature(body, this.secret),
        },
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      this.#latencies.push({ phase, ms: performance.now() - startedAt });
      const label = `${event} ${response.status}`;
      this.counts.statuses.set(label, (this.counts.statuses.get(label) ?? 0) + 1);
      return response.status;
    } catch (error) {
      this.counts.unanswered += 1;
      const why = describe(error);
      this.counts.unansweredWhy.set(why, (this.counts.unansweredWhy.get(why) ?? 0) + 1);
      return 0;
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** fetch's own message is "fetch failed"; the cause says what happened. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
