import nock from "nock";
import type { Probot } from "probot";

import { MissedRevocations } from "../../src/membership/missed-revocations.js";
import { missedDeliveries, type DeliveryAttempt } from "../../src/revocation/missed-deliveries.js";
import { checkMissedDeliveries, LAST_CHECK_KEY } from "../../src/revocation/redelivery.js";
import type { RedeliveryOptions } from "../../src/revocation/redelivery.js";
import type { Services } from "../../src/services.js";
import { FaultyStore } from "../helpers/faulty-store.js";
import { openSqlite, servicesOver, tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import { silentLog } from "../helpers/silent-log.js";
import { testProbot } from "../helpers/test-app.js";

const MINUTE = 60_000;
const LOOKBACK_MS = 60 * MINUTE;

let nextId = 1;
/** A delivery attempt as `GET /app/hook/deliveries` lists it, `minutesAgo` before now. */
function attempt(
  guid: string,
  minutesAgo: number,
  status_code: number,
  event = "organization.member_removed",
): DeliveryAttempt {
  const [name, action] = event.split(".") as [string, string];
  const delivered_at = new Date(Date.now() - minutesAgo * MINUTE).toISOString();
  return { id: nextId++, guid, delivered_at, status_code, event: name, action };
}

describe("missedDeliveries", () => {
  it("picks each watched event no attempt delivered, once, by its newest failure", () => {
    const older = attempt("g-removed", 9, 500);
    const newer = attempt("g-removed", 4, 0);

    expect(missedDeliveries([newer, older])).toEqual([newer]);
  });

  it("skips an event that a later attempt delivered", () => {
    const attempts = [attempt("g-redelivered", 2, 200), attempt("g-redelivered", 8, 502)];

    expect(missedDeliveries(attempts)).toEqual([]);
  });

  it("ignores events member-gate does not act on, and delivered ones", () => {
    const attempts = [
      attempt("g-comment", 3, 500, "issue_comment.created"),
      attempt("g-team-created", 3, 500, "team.created"),
      attempt("g-ok", 3, 204, "membership.removed"),
    ];

    expect(missedDeliveries(attempts)).toEqual([]);
  });
});

describe("checkMissedDeliveries", () => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  let probot: Probot;
  let options: RedeliveryOptions;
  const lastCheck = async () => (await services.store.getMany([LAST_CHECK_KEY]))[0];
  const listing = () =>
    nock(GITHUB)
      .matchHeader("authorization", /^bearer /i)
      .get("/app/hook/deliveries")
      .query({ per_page: 100 });
  const redelivery = (attemptId: number) =>
    nock(GITHUB).post(`/app/hook/deliveries/${attemptId}/attempts`);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    services = servicesOver(await openSqlite(sqlite.url));
    probot = await testProbot(services);
    options = {
      appOctokit: () => probot.auth(),
      store: services.store,
      log: silentLog,
      lookbackMs: LOOKBACK_MS,
    };
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("asks GitHub with the app's JWT to redeliver failed deliveries, keeps the time", async () => {
    const failed = attempt("g-1", 3, 500);
    listing().reply(200, [attempt("g-2", 1, 200), failed]);
    redelivery(failed.id).reply(202, {});

    const report = await checkMissedDeliveries(options);

    expect(report).toEqual({ outcome: "checked", listed: 2, missed: ["g-1"], requested: ["g-1"] });
    expect(await lastCheck()).toBeGreaterThan(Date.now() - 2 * MINUTE);
  });

  it("pages back until a delivery older than the last check, and no further", async () => {
    await services.store.set(LAST_CHECK_KEY, Date.now() - 10 * MINUTE);
    const next = `<${GITHUB}/app/hook/deliveries?per_page=100&cursor=p2>; rel="next"`;
    const onSecondPage = attempt("g-page-2", 8, 503, "team.deleted");
    listing().reply(200, [attempt("g-page-1", 2, 200)], { link: next });
    nock(GITHUB)
      .get("/app/hook/deliveries")
      .query({ per_page: 100, cursor: "p2" })
      .reply(200, [onSecondPage, attempt("g-too-old", 12, 500)], { link: next });
    redelivery(onSecondPage.id).reply(202, {});

    expect(await checkMissedDeliveries(options)).toMatchObject({ listed: 2 });
  });

  it("looks back one TTL when it has never checked", async () => {
    listing().reply(200, [attempt("g-older-than-ttl", 61, 500)]);

    expect(await checkMissedDeliveries(options)).toEqual({
      outcome: "checked",
      listed: 0,
      missed: [],
      requested: [],
    });
  });

  it("never throws when GitHub fails, and checks the same period next time", async () => {
    await services.store.set(LAST_CHECK_KEY, 12345);
    listing().reply(500, { message: "Server Error" });

    expect(await checkMissedDeliveries(options)).toMatchObject({ outcome: "failed" });
    expect(await lastCheck()).toBe(12345);
  });

  it("requests the others when one request fails, and keeps the period open", async () => {
    await services.store.set(LAST_CHECK_KEY, 12345);
    const refused = attempt("g-refused", 5, 500);
    const accepted = attempt("g-accepted", 4, 500, "membership.removed");
    listing().reply(200, [accepted, refused]);
    redelivery(accepted.id).reply(202, {});
    redelivery(refused.id).reply(422, { message: "Validation Failed" });

    expect(await checkMissedDeliveries(options)).toMatchObject({
      requested: ["g-accepted", "g-refused"],
    });
    expect(await lastCheck()).toBe(12345);
  });

  it("lets one replica ask for an event: a second check skips what the first claimed", async () => {
    const failed = attempt("g-claimed", 3, 500);
    listing().twice().reply(200, [failed]);
    redelivery(failed.id).once().reply(202, {});

    await checkMissedDeliveries(options);
    expect(await checkMissedDeliveries(options)).toMatchObject({ requested: [] });
  });

  it("tells what it found missed, whoever asks for it: cached members wait", async () => {
    const missed = MissedRevocations.unknownUntilChecked();
    const failed = attempt("g-removed", 3, 500);
    listing().reply(200, [failed]);
    redelivery(failed.id).reply(202, {});

    await checkMissedDeliveries({ ...options, missed });

    expect(missed.settled).toBe(false);
    missed.applied("g-removed");
    expect(missed.settled).toBe(true);
  });

  it("looks one lookback back when the store of the last check cannot be used", async () => {
    const missed = MissedRevocations.unknownUntilChecked();
    const store = new FaultyStore(services.store);
    store.failing.add("read").add("write");
    const failed = attempt("g-removed", 30, 500);
    listing().reply(200, [failed, attempt("g-older-than-ttl", 61, 500)]);
    redelivery(failed.id).reply(202, {});

    const report = await checkMissedDeliveries({ ...options, store, missed });

    expect(report).toMatchObject({ outcome: "checked", missed: ["g-removed"] });
    expect(missed.settled).toBe(false);
  });

  it("trusts the cache when the check fails: it tells nothing more", async () => {
    const missed = MissedRevocations.unknownUntilChecked();
    listing().reply(404, { message: "Not Found" });

    await checkMissedDeliveries({ ...options, missed });

    expect(missed.settled).toBe(true);
  });

  it("keeps awaiting what an earlier check found missed when a later check fails", async () => {
    const missed = MissedRevocations.unknownUntilChecked();
    const failed = attempt("g-removed", 3, 500);
    listing().reply(200, [failed]);
    redelivery(failed.id).reply(202, {});
    await checkMissedDeliveries({ ...options, missed });
    listing().reply(502, "Bad Gateway");

    await checkMissedDeliveries({ ...options, missed });

    expect(missed.settled).toBe(false);
  });
});
