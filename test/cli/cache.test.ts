import type { MembershipScope } from "../../src/cache/membership-cache.js";
import type { Services } from "../../src/services.js";
import { cliEnv, runCli } from "../helpers/cli-process.js";
import {
  ALICE,
  BOB,
  ORG,
  openSqlite,
  servicesOver,
  tempSqliteUrl,
} from "../helpers/gate-fixture.js";
import { GitHubStub, serveInstallation } from "../helpers/github-stub.js";

const ACME = { login: ORG.login, id: ORG.orgId, installationId: ORG.installationId };
const scopeOf = (userId: number): MembershipScope => ({
  installationId: ORG.installationId,
  orgId: ORG.orgId,
  userId,
});

describe("member-gate cache", () => {
  let stub: GitHubStub;
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  const cli = (...args: string[]) => runCli(args, cliEnv(stub, sqlite.url));

  /** Writes a "member" answer the way the app does, under the generations now in force. */
  async function cacheMember(userId: number): Promise<void> {
    const stamp = await services.cache.generations(scopeOf(userId));
    await services.cache.write(scopeOf(userId), { outcome: "member", role: "member" }, stamp);
  }
  const cachedEntry = async (userId: number) => (await services.cache.read(scopeOf(userId))).entry;

  beforeEach(async () => {
    stub = await GitHubStub.start();
    sqlite = tempSqliteUrl();
    services = servicesOver(await openSqlite(sqlite.url));
    await cacheMember(ALICE.id);
    await cacheMember(BOB.id);
  });

  afterEach(async () => {
    await services.close();
    await stub.close();
    sqlite.remove();
  });

  it("stats prints the store, the live entries by kind and the file size", async () => {
    const exit = await cli("cache", "stats");

    expect(exit.code).toBe(0);
    expect(exit.output).toContain("store:    sqlite\n");
    expect(exit.output).toContain(`location: ${sqlite.url}\n`);
    expect(exit.output).toMatch(/size: {5}\d+ bytes \(.*cache\.sqlite \d+/);
    expect(exit.output).toContain("entries:  member 2\n");
  });

  it("stats exits 1 when the cache file does not exist yet", async () => {
    const exit = await runCli(["cache", "stats"], cliEnv(stub, `${sqlite.url}.missing`));

    expect(exit.code).toBe(1);
    expect(exit.output).toContain("the app has not run with this CACHE_URL yet");
  });

  it("purge with numeric ids forgets one user without asking GitHub", async () => {
    const exit = await cli(
      "cache",
      "purge",
      "--org",
      String(ORG.orgId),
      "--user",
      String(ALICE.id),
    );

    expect(exit.code).toBe(0);
    expect(exit.output).toBe("purged: the cached memberships of user id 501 in org id 1001.\n");
    expect(await cachedEntry(ALICE.id)).toBeUndefined();
    expect(await cachedEntry(BOB.id)).toEqual({ outcome: "member", role: "member" });
    expect(stub.requests).toEqual([]);
  });

  it("purge resolves logins through the installation and forgets that user", async () => {
    serveInstallation(stub, ACME).on("GET", `/users/${ALICE.login}`, {
      status: 200,
      body: { id: ALICE.id, login: ALICE.login },
    });

    const exit = await cli("cache", "purge", "--org", ORG.login, "--user", ALICE.login);

    expect(exit.code).toBe(0);
    expect(exit.output).toContain(
      "purged: the cached memberships of user alice (id 501) in org acme (id 1001).",
    );
    expect(await cachedEntry(ALICE.id)).toBeUndefined();
    expect(stub.calls("GET", `/users/${ALICE.login}`)).toHaveLength(1);
  });

  it("purge without --user forgets every membership of the org", async () => {
    const exit = await cli("cache", "purge", "--org", String(ORG.orgId));

    expect(exit.code).toBe(0);
    expect(exit.output).toContain("purged: every cached membership in org id 1001.");
    expect(await cachedEntry(ALICE.id)).toBeUndefined();
    expect(await cachedEntry(BOB.id)).toBeUndefined();
  });

  it("purge refuses a user login with a numeric org, as a usage error", async () => {
    const exit = await cli("cache", "purge", "--org", String(ORG.orgId), "--user", ALICE.login);

    expect(exit.code).toBe(2);
    expect(exit.output).toContain("--user as a login needs --org as a login");
    expect(await cachedEntry(ALICE.id)).toBeDefined();
  });
});
