import { existsSync } from "node:fs";

import { cliEnv, runCli } from "../helpers/cli-process.js";
import { ALICE, ORG, orgMembershipBody, tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GitHubStub, STUB_TOKEN, serveInstallation } from "../helpers/github-stub.js";
import { TEST_PRIVATE_KEY } from "../helpers/test-app.js";

const ACME = { login: ORG.login, id: ORG.orgId, installationId: ORG.installationId };
const membership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;

describe("member-gate check ORG USER", () => {
  let stub: GitHubStub;
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  const check = () => runCli(["check", ORG.login, ALICE.login], cliEnv(stub, sqlite.url));

  beforeEach(async () => {
    stub = await GitHubStub.start();
    serveInstallation(stub, ACME).on("GET", `/users/${ALICE.login}`, {
      status: 200,
      body: { id: ALICE.id, login: ALICE.login, type: "User" },
    });
    sqlite = tempSqliteUrl();
  });

  afterEach(async () => {
    await stub.close();
    sqlite.remove();
  });

  it("asks GitHub Enterprise with the installation's token and prints a member", async () => {
    stub.on("GET", membership, { status: 200, body: orgMembershipBody("active", ALICE, "admin") });

    const exit = await check();

    expect(exit.code).toBe(0);
    expect(exit.output).toBe("member: alice (id 501) is a member of acme (id 1001), role admin.\n");
    const [lookup] = stub.calls("GET", membership);
    expect(lookup?.headers.authorization).toBe(`token ${STUB_TOKEN}`);
    expect(stub.calls("GET", `/orgs/${ORG.login}/installation`)).toHaveLength(1);
  });

  it("prints 'not a member' with the reason and caches nothing", async () => {
    stub.on("GET", membership, { status: 404, body: { message: "Not Found" } });

    const exit = await check();

    expect(exit.code).toBe(0);
    expect(exit.output).toContain("not a member: alice (id 501) is not a member of acme");
    expect(exit.output).toContain("(reason: not_found)");
    expect(existsSync(sqlite.url.replace("sqlite://", ""))).toBe(false);
  });

  it("prints 'undecided' and exits 1 when GitHub fails", async () => {
    stub.on("GET", membership, { status: 502, body: { message: "Bad Gateway" } });

    const exit = await check();

    expect(exit.code).toBe(1);
    expect(exit.output).toContain("undecided: GitHub could not tell whether alice (id 501)");
    expect(exit.output).toContain("reason: server_error");
  });

  it("says the app is not installed when the org has no installation", async () => {
    stub.on("GET", `/orgs/${ORG.login}/installation`, { status: 404, body: {} });

    const exit = await check();

    expect(exit.code).toBe(1);
    expect(exit.output).toContain("Could not find the app's installation on acme.");
    expect(exit.output).toContain("that the app is installed on the org");
  });

  it("says how to configure the app when APP_ID and the key are missing", async () => {
    const exit = await runCli(["check", ORG.login, ALICE.login], { CACHE_URL: sqlite.url });

    expect(exit.code).toBe(1);
    expect(exit.output).toContain("APP_ID and the app's private key are needed");
  });

  it("never prints the private key or the installation token", async () => {
    stub.on("GET", membership, { status: 500, body: {} });

    const exit = await check();

    expect(exit.output).not.toContain(STUB_TOKEN);
    expect(exit.output).not.toContain(TEST_PRIVATE_KEY.split("\n")[5]);
  });
});
