import { rmSync } from "node:fs";

import nock from "nock";

import { SqliteStore } from "../../src/cache/sqlite-store.js";
import { StoreFault } from "../../src/cache/store-errors.js";
import type { Services } from "../../src/services.js";
import {
  ALICE,
  ORG,
  orgMembershipBody,
  servicesOver,
  tempSqliteUrl,
} from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork, testOctokit } from "../helpers/github-client.js";
import { corrupt, holdWriteLock } from "../helpers/sqlite-damage.js";

const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;
const removeAlice = { kind: "org_member", orgId: ORG.orgId, userId: ALICE.id } as const;
const STORE_DEADLINE_MS = 300;

describe("a damaged SQLite store", () => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let path: string;
  let services: Services;
  const github = testOctokit();
  const ask = () => services.gate.orgMembership(github, ORG, ALICE);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    path = sqlite.url.replace("sqlite://", "");
    const store = await SqliteStore.open(sqlite.url, STORE_DEADLINE_MS);
    services = servicesOver(store, { storeDeadlineMs: STORE_DEADLINE_MS });
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();
  });

  afterEach(async () => {
    await services.close().catch(() => undefined);
    sqlite.remove();
  });

  it("fails an invalidation under another's write lock, and distrusts the member", async () => {
    const unlock = await holdWriteLock(path);
    const removal = services.revocations.apply(removeAlice);
    await expect(removal).rejects.toBeInstanceOf(StoreFault);
    nock(GITHUB).get(aliceMembership).reply(404);

    const answer = await ask();
    await unlock();

    expect(answer).toEqual({
      membership: { outcome: "not_member", reason: "not_found" },
      source: "github",
    });
  });

  it("decides from GitHub once the file is corrupted", async () => {
    corrupt(path);
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));

    expect(await ask()).toEqual({
      membership: { outcome: "member", role: "member" },
      source: "github",
    });
  });

  it("keeps deciding when the file is deleted, and a restart asks GitHub", async () => {
    rmSync(path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });

    expect((await ask()).membership.outcome).toBe("member");

    await services.close();
    services = servicesOver(await SqliteStore.open(sqlite.url, STORE_DEADLINE_MS));
    nock(GITHUB).get(aliceMembership).reply(404);
    expect(await ask()).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });
});
