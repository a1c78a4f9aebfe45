import { randomUUID } from "node:crypto";

import { openStore } from "../../src/cache/open-store.js";
import type { ActorRef } from "../../src/membership/types.js";
import { startApp, type RunningApp } from "./app-process.js";
import type { StubOrg } from "./github-stub.js";
import { tempSqliteUrl } from "./gate-fixture.js";
import { sendDelivery } from "./signed-delivery.js";
import { until } from "./until.js";
import { webhookFixture } from "./webhook-delivery.js";
import {
  StubbedOrg,
  type CommentEffects,
  type CommentOptions,
  type PostedComment,
} from "./stubbed-org.js";

export const ALICE = { id: 501, login: "alice" };
export const BOB = { id: 502, login: "bob" };
export const ALICE_NOT_A_MEMBER = "@alice\n- `/deploy`: did not run: you are not a member of acme.";

/** A comment delivered over HTTP: its delivery id, the app's HTTP status, how long it took. */
export interface Answered extends PostedComment {
  readonly delivery: string;
  readonly status: number;
  readonly ms: number;
}

export interface BuiltGateOptions {
  /** Environment variables beside the defaults of `appEnv`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs the app as this user (only when the tests run as root). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/**
 * `node dist/main.js` (as `npm start` runs it) against a {@link StubbedOrg}, with its cache at
 * `cacheUrl`, which outlives restarts.
 */
export class BuiltGate {
  #app: RunningApp | undefined;

  private constructor(
    readonly org: StubbedOrg,
    readonly cacheUrl: string,
    private readonly options: BuiltGateOptions,
  ) {}

  static async start(
    org: StubbedOrg,
    cacheUrl: string,
    options: BuiltGateOptions = {},
  ): Promise<BuiltGate> {
    const gate = new BuiltGate(org, cacheUrl, options);
    await gate.restart();
    return gate;
  }

  get app(): RunningApp {
    if (!this.#app) throw new Error("the app is not running");
    return this.#app;
  }

  /** True while the process runs and answers /healthz. */
  async isServing(): Promise<boolean> {
    if (this.#app?.child.process.exitCode !== null) return false;
    const response = await fetch(`${this.app.url}/healthz`).catch(() => undefined);
    return response?.status === 200;
  }

  /** True once `/readyz` answers 200: the cache store answers a read. */
  async isReady(): Promise<boolean> {
    const response = await fetch(`${this.app.url}/readyz`).catch(() => undefined);
    return response?.status === 200;
  }

  /** Stops the app (if running) and starts it again on the same cache. */
  async restart(): Promise<void> {
    await this.stop();
    const env = { CACHE_URL: this.cacheUrl, ...this.options.env };
    this.#app = await startApp(this.org.stub, env, [], this.options.user);
  }

  async stop(): Promise<void> {
    await this.#app?.stop();
    this.#app = undefined;
  }

  /** Posts a signed `issue_comment.created` and resolves once the app has answered the request. */
  async comment(body: string, options: CommentOptions = {}): Promise<Answered> {
    const { payload, posted } = this.org.comment(body, options);
    const delivery = randomUUID();
    const started = performance.now();
    const response = await sendDelivery(this.app.url, {
      event: "issue_comment",
      payload,
      id: delivery,
    });
    await response.arrayBuffer();
    const ms = Math.round(performance.now() - started);
    return { ...posted, delivery, status: response.status, ms };
  }

  /**
   * Posts a signed delivery of `event` (with the delivery id `id`, as a redelivery keeps it);
   * resolves with the app's HTTP status once answered.
   */
  async deliver(event: string, payload: unknown, id?: string): Promise<number> {
    const response = await sendDelivery(this.app.url, { event, payload, ...(id && { id }) });
    await response.arrayBuffer();
    return response.status;
  }

  /**
   * The value of one sample of `/metrics`, 0 if absent; e.g.
   * `member_gate_undecided_lookups_total{reason="timeout"}`.
   */
  async metric(sample: string): Promise<number> {
    const text = await (await fetch(`${this.app.url}/metrics`)).text();
    const line = text.split("\n").find((each) => each.startsWith(`${sample} `));
    return line === undefined ? 0 : Number(line.slice(sample.length + 1));
  }

  /**
   * GitHub removes `person` from acme and sends `organization.member_removed`; the delivery is
   * listed with the app's answer, for the app's check of missed deliveries. Resolves with it.
   */
  async removeFromOrg(person: ActorRef): Promise<number> {
    this.org.removeMember(person);
    const payload = webhookFixture("organization.member_removed");
    const membership = payload["membership"] as Record<string, unknown>;
    Object.assign(membership, { user: { ...(membership["user"] as object), ...person } });
    const guid = randomUUID();
    const statusCode = await this.deliver("organization", payload, guid);
    const delivery = { guid, event: "organization", action: "member_removed", payload };
    this.org.recordDelivery({ ...delivery, statusCode });
    return statusCode;
  }

  /** From now on, a delivery the app asks GitHub to send again is sent; returns the answers. */
  redeliverWhenAsked(): number[] {
    const answers: number[] = [];
    // GitHub sends it a moment later; by then the app that asked is listening
    this.org.onRedeliver = (delivery) =>
      void until(() => this.#app !== undefined, "the app to be listening")
        .then(() => this.deliver(delivery.event, delivery.payload, delivery.guid))
        .then((status) => answers.push(status));
    return answers;
  }

  effectsOf(posted: PostedComment): CommentEffects {
    return this.org.effectsOf(posted);
  }

  /** The app's output from character `from` on (take `output.length` before an action). */
  outputSince(from: number): string {
    return this.app.child.output.slice(from);
  }

  /**
   * Resolves with the output since `from` once it holds `text` (the child's log reaches us a moment
   * after its HTTP answer), or with what there is after `timeoutMs`.
   */
  async logged(text: string, from: number, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.outputSince(from).includes(text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.outputSince(from);
  }

  /** The app's JSON log line with this message about this delivery, once it has been written. */
  async logEntry(delivery: string, message: string): Promise<Record<string, unknown>> {
    const find = () =>
      this.app.child.output
        .split("\n")
        .filter((line) => line.includes(delivery) && line.includes(`"msg":"${message}"`))
        .map((line) => JSON.parse(line) as Record<string, unknown>)[0];
    await until(() => find() !== undefined, `the log line "${message}" of ${delivery}`);
    return find()!;
  }

  /** Resolves once the app's output has not grown for `quietMs` (a long log line is flushed). */
  async quiet(quietMs = 150): Promise<void> {
    let length = -1;
    while (this.app.child.output.length !== length) {
      length = this.app.child.output.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  /** Live keys of the cache by kind (`member`, `delivery`, `gen`...), read by a second client. */
  async cached(): Promise<Record<string, number>> {
    const store = await openStore(this.cacheUrl, 2000);
    try {
      return await store.countByKind();
    } finally {
      await store.close();
    }
  }
}

/**
 * A stubbed GitHub and the built app over a SQLite file of its own, started once for the
 * describe block; alice (501) is a member.
 */
export function useBuiltGate(
  options: BuiltGateOptions & { readonly orgs?: readonly StubOrg[] } = {},
): { current: BuiltGate } {
  const handle = {} as { current: BuiltGate };
  let sqlite: ReturnType<typeof tempSqliteUrl>;

  beforeAll(async () => {
    sqlite = tempSqliteUrl();
    const org = await StubbedOrg.start(options.orgs);
    org.addMember(ALICE);
    handle.current = await BuiltGate.start(org, sqlite.url, options);
  });

  afterAll(async () => {
    await handle.current?.stop();
    await handle.current?.org.close();
    sqlite?.remove();
  });

  return handle;
}

/** The app on `cacheUrl`, with alice and bob members whose answers are cached. */
export async function startWithCachedMembers(
  cacheUrl: string,
  options: BuiltGateOptions = {},
): Promise<BuiltGate> {
  const org = await StubbedOrg.start();
  org.addMember(ALICE);
  org.addMember(BOB);
  const gate = await BuiltGate.start(org, cacheUrl, options);
  for (const actor of [ALICE, BOB]) {
    const answered = await gate.comment("/deploy staging", { actor });
    expect(gate.effectsOf(answered).reactions).toEqual(["rocket"]);
  }
  return gate;
}

/** A member's `/deploy` is dispatched and answered with a rocket: the app serves. */
export async function expectServed(gate: BuiltGate): Promise<Answered> {
  const answered = await gate.comment("/deploy staging");
  expect(answered.status).toBe(200);
  expect(gate.effectsOf(answered)).toEqual({ dispatches: 1, reactions: ["rocket"], reply: "" });
  expect(await gate.isServing()).toBe(true);
  return answered;
}
