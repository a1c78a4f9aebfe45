import nock from "nock";

import { entryKey } from "../../src/cache/membership-cache.js";
import type { SqliteStore } from "../../src/cache/sqlite-store.js";
import type { ActorRef } from "../../src/membership/types.js";
import type { Services } from "../../src/services.js";
import {
  ALICE,
  BOB,
  ORG,
  openSqlite,
  orgMembershipBody,
  servicesOver,
  tempSqliteUrl,
} from "../helpers/gate-fixture.js";
import { GITHUB, GITHUB_CLIENTS, guardNetwork } from "../helpers/github-client.js";

const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;

describe.each(GITHUB_CLIENTS)("MembershipGate.orgMembership over %s", (_client, client) => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: SqliteStore;
  let services: Services;
  const github = client();

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = await openSqlite(sqlite.url);
    services = servicesOver(store);
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  const ask = (actor: ActorRef = ALICE) => services.gate.orgMembership(github, ORG, actor);

  async function storedEntry(actor: ActorRef = ALICE): Promise<unknown> {
    const [entry] = await store.getMany([entryKey({ orgId: ORG.orgId, userId: actor.id })]);
    return entry;
  }

  it("admits an active member with the role, and answers next from the cache", async () => {
    nock(GITHUB)
      .get(aliceMembership)
      .reply(200, orgMembershipBody("active", ALICE, "admin"));

    const first = await ask();
    const second = await ask();

    expect(first).toEqual({ membership: { outcome: "member", role: "admin" }, source: "github" });
    expect(second).toEqual({ membership: { outcome: "member", role: "admin" }, source: "cache" });
  });

  it("treats a pending invitation as not a member", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("pending"));

    const answer = await ask();

    expect(answer.membership).toEqual({ outcome: "not_member", reason: "pending_invitation" });
  });

  const undecidedAnswers: Array<[string, (scope: nock.Interceptor) => nock.Scope, string]> = [
    ["a 500", (i) => i.reply(500, { message: "boom" }), "server_error"],
    ["a 502", (i) => i.reply(502, "Bad Gateway"), "server_error"],
    ["a 503", (i) => i.reply(503, { message: "unavailable" }), "server_error"],
    ["a 401", (i) => i.reply(401, { message: "Bad credentials" }), "unauthorized"],
    [
      "a 403 Resource not accessible by integration",
      (i) => i.reply(403, { message: "Resource not accessible by integration" }),
      "forbidden",
    ],
    [
      "a 429",
      (i) => i.reply(429, { message: "slow down" }, { "retry-after": "1" }),
      "rate_limited",
    ],
    [
      "a network error",
      (i) => i.replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
      "network_error",
    ],
    [
      "a redirect",
      (i) => i.reply(302, "", { location: `${GITHUB}/elsewhere` }),
      "unexpected_status",
    ],
    [
      "a 200 about another account",
      (i) => i.reply(200, orgMembershipBody("active", BOB)),
      "identity_mismatch",
    ],
    [
      "a 200 that is not JSON",
      (i) => i.reply(200, "<html>", { "content-type": "text/html" }),
      "unparseable",
    ],
    ["a 204", (i) => i.reply(204), "unexpected_status"],
  ];

  it.each(undecidedAnswers)(
    "does not cache %s and asks GitHub again on the next command",
    async (_name, answer, reason) => {
      answer(nock(GITHUB).get(aliceMembership));

      const first = await ask();
      expect(first.membership).toMatchObject({ outcome: "undecided", reason });
      expect(await storedEntry()).toBeUndefined();

      if (reason === "rate_limited") return; // held until retry-after; covered below
      nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
      expect(await ask()).toMatchObject({ membership: { outcome: "member" }, source: "github" });
    },
  );

  it("gives up at the lookup deadline and caches nothing", async () => {
    const quick = client(100);
    nock(GITHUB).get(aliceMembership).delay(1_000).reply(200, orgMembershipBody("active"));

    const answer = await services.gate.orgMembership(quick, ORG, ALICE);

    expect(answer.membership).toMatchObject({ outcome: "undecided", reason: "timeout" });
    expect(await storedEntry()).toBeUndefined();
  });

  it("holds lookups for the installation until a primary rate limit resets", async () => {
    const reset = Math.floor(Date.now() / 1000) + 50 * 60;
    nock(GITHUB)
      .get(aliceMembership)
      .reply(
        403,
        { message: "API rate limit exceeded" },
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(reset),
        },
      );

    const started = Date.now();
    const first = await ask();
    const second = await ask(BOB); // no interceptor: a request would fail the test

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(first.membership).toMatchObject({ outcome: "undecided", reason: "rate_limited" });
    expect(second.membership).toMatchObject({ outcome: "undecided", reason: "rate_limited" });
  });

  it("sends one request for 100 concurrent commands of one uncached member", async () => {
    const scope = nock(GITHUB).get(aliceMembership).once().reply(200, orgMembershipBody("active"));

    const answers = await Promise.all(Array.from({ length: 100 }, () => ask()));

    expect(scope.isDone()).toBe(true);
    expect(answers.every((answer) => answer.membership.outcome === "member")).toBe(true);
  });

  it("answers every waiter undecided when the shared request fails", async () => {
    nock(GITHUB).get(aliceMembership).once().reply(503);

    const answers = await Promise.all(Array.from({ length: 20 }, () => ask()));

    expect(new Set(answers.map((answer) => answer.membership.outcome))).toEqual(
      new Set(["undecided"]),
    );
    expect(await storedEntry()).toBeUndefined();
  });

  it("answers from the cache after a restart without asking GitHub", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();
    await services.close();

    store = await openSqlite(sqlite.url);
    services = servicesOver(store);

    expect(await ask()).toEqual({
      membership: { outcome: "member", role: "member" },
      source: "cache",
    });
  });

  it("never reuses an answer for another user id, even with the same login", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();
    const successor = { id: 999, login: ALICE.login };
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));

    const answer = await services.gate.orgMembership(github, ORG, successor);

    expect(answer.membership).toMatchObject({ outcome: "undecided", reason: "identity_mismatch" });
  });
});
