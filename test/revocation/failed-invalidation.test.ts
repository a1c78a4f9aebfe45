import nock from "nock";

import type { Services } from "../../src/services.js";
import { FaultyStore } from "../helpers/faulty-store.js";
import { ALICE, ORG, openSqlite, servicesOver, tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import { BOARD, decide, fillBoard, nockMember } from "../helpers/membership-board.js";
import { testProbot } from "../helpers/test-app.js";
import { webhookServer } from "../helpers/webhook-server.js";

const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;
const bob = BOARD.find((entry) => entry.name === "bob/org")!;
const alice = BOARD[0]!;

describe("a member_removed delivery the store cannot apply", () => {
  guardNetwork();
  beforeAll(() => nock.enableNetConnect("127.0.0.1"));

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: FaultyStore;
  let services: Services;
  let server: Awaited<ReturnType<typeof webhookServer>>;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = new FaultyStore(await openSqlite(sqlite.url));
    services = servicesOver(store);
    server = await webhookServer(await testProbot(services));
    await fillBoard(services);
  });

  afterEach(async () => {
    await server.close();
    await services.close();
    sqlite.remove();
  });

  it("is answered 2xx over HTTP when the entries are gone", async () => {
    expect(await server.post("organization.member_removed")).toBe(200);
  });

  it("is answered 5xx over HTTP, so GitHub records a failed delivery", async () => {
    store.failing.add("write");

    expect(await server.post("organization.member_removed")).toBe(500);
    const counted = await services.metrics.invalidations.get();
    expect(counted.values).toEqual([
      { labels: { event: "organization.member_removed", result: "failed" }, value: 1 },
    ]);
  });

  it("trusts no cached member of the org afterwards, while the store still fails", async () => {
    store.failing.add("write");
    await server.post("organization.member_removed");

    nock(GITHUB).get(aliceMembership).reply(404);
    expect(await decide(services, alice)).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
    nockMember(bob);
    expect(await decide(services, bob)).toMatchObject({
      membership: { outcome: "member" },
      source: "github",
    });
  });

  it("answers the redelivery 2xx once the store is back, and trusts the cache again", async () => {
    store.failing.add("write");
    await server.post("organization.member_removed");
    store.failing.delete("write");

    expect(await server.post("organization.member_removed")).toBe(200);
    nock(GITHUB).get(aliceMembership).reply(404);
    expect(await decide(services, alice)).toMatchObject({ source: "github" });
    expect(await decide(services, bob)).toMatchObject({ source: "cache" });
  });
});
