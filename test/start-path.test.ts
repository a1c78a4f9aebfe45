import { readFileSync } from "node:fs";

import { startApp, runAppUntilExit, type RunningApp } from "./helpers/app-process.js";
import { GitHubStub, STUB_TOKEN } from "./helpers/github-stub.js";
import { deliverAndAwait, sendDelivery } from "./helpers/signed-delivery.js";
import { StubbedOrg } from "./helpers/stubbed-org.js";
import { TEST_PRIVATE_KEY } from "./helpers/test-app.js";

const ALICE = { id: 501, login: "alice" };
/** The path of `.github/member-gate.yml` as the config plugin asks for it. */
const CONFIG_FILE = ".github%2Fmember-gate.yml";

const ping = JSON.parse(readFileSync("test/fixtures/ping.json", "utf8")) as unknown;

/** A line of the PEM body: enough to find the key anywhere in the output. */
const KEY_FRAGMENT = TEST_PRIVATE_KEY.split("\n")[5] ?? "";

describe("the production start path (node dist/main.js)", () => {
  let org: StubbedOrg;
  let app: RunningApp;

  beforeAll(async () => {
    org = await StubbedOrg.start();
    org.addMember(ALICE);
    app = await startApp(org.stub);
  });

  afterAll(async () => {
    await app?.stop();
    await org?.close();
  });

  it("answers /healthz with 200 while the process runs", async () => {
    const response = await fetch(`${app.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 when the SQLite cache answers a read", async () => {
    const response = await fetch(`${app.url}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves Prometheus metrics: the gate's own and the process's", async () => {
    const response = await fetch(`${app.url}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      "member_gate_decisions_total",
      "member_gate_cache_reads_total",
      "member_gate_github_lookups_total",
      "member_gate_undecided_lookups_total",
      "member_gate_invalidations_total",
      "member_gate_lookup_duration_seconds",
      "member_gate_webhook_duration_seconds",
      "process_cpu_seconds_total",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it("rejects a delivery without a signature", async () => {
    const response = await sendDelivery(app.url, { event: "ping", payload: ping, secret: null });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("rejects a delivery signed with another secret", async () => {
    const response = await sendDelivery(app.url, {
      event: "ping",
      payload: ping,
      secret: "not-the-app-secret",
    });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("accepts a correctly signed delivery with 2xx", async () => {
    const response = await sendDelivery(app.url, { event: "ping", payload: ping });

    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
  });

  it("decides a signed comment: a member's /deploy is dispatched, then a rocket", async () => {
    const { payload, posted } = org.comment("/deploy staging");
    const reaction = `/comments/${posted.commentId}/reactions`;

    const { response } = await deliverAndAwait(
      app.url,
      { event: "issue_comment", payload },
      org.stub,
      (request) => request.path.endsWith(reaction),
    );

    expect(response.status).toBe(200);
    expect(org.effectsOf(posted)).toEqual({ dispatches: 1, reactions: ["rocket"], reply: "" });
    const [config] = org.stub.calls("GET", `/repos/acme/widgets/contents/${CONFIG_FILE}`);
    expect(config?.headers.accept).toBe("application/vnd.github.v3.raw");
    const [lookup] = org.stub.calls("GET", "/orgs/acme/memberships/alice");
    expect(lookup?.headers.authorization).toBe(`token ${STUB_TOKEN}`);
    const [dispatch] = org.dispatches();
    expect(JSON.parse(dispatch?.body ?? "{}")).toMatchObject({
      event_type: "deploy-command",
      client_payload: { command: "deploy", args: "staging", actor: ALICE },
    });
  });

  it("logs JSON lines that never contain the private key or a token", () => {
    const lines = app.child.output.trim().split("\n");

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(app.child.output).not.toContain(KEY_FRAGMENT);
    expect(app.child.output).not.toContain(STUB_TOKEN);
  });
});

describe("start-up with invalid configuration", () => {
  let stub: GitHubStub;

  beforeAll(async () => {
    stub = await GitHubStub.start();
  });

  afterAll(async () => {
    await stub.close();
  });

  it("stops with exit code 1 and names the variable when MEMBER_TTL is invalid", async () => {
    const exit = await runAppUntilExit(stub, { MEMBER_TTL: "one hour" });

    expect(exit.code).toBe(1);
    expect(exit.output).toContain('MEMBER_TTL="one hour" is invalid');
  });

  it("exits 1 instead of opening the setup page when the key is unusable", async () => {
    const exit = await runAppUntilExit(stub, { PRIVATE_KEY: "not a key" });

    expect(exit.code).toBe(1);
    expect(exit.output).toContain('PRIVATE_KEY="(hidden)" is invalid');
    expect(exit.output).not.toContain("setup mode");
  });

  it("stops with exit code 1 and says what to check when CACHE_URL cannot be used", async () => {
    const exit = await runAppUntilExit(stub, { CACHE_URL: "sqlite:///dev/null/cache.sqlite" });

    expect(exit.code).toBe(1);
    expect(exit.output).toContain("The cache store sqlite:///dev/null/cache.sqlite cannot be used");
    expect(exit.output).toContain("Check CACHE_URL");
  });
});

describe("the first start, without APP_ID or a key", () => {
  let stub: GitHubStub;
  let app: RunningApp;

  beforeAll(async () => {
    stub = await GitHubStub.start();
    const firstStart = { APP_ID: "", PRIVATE_KEY: "", NO_SMEE_SETUP: "true" };
    app = await startApp(stub, firstStart, ["app.yml", "package.json"]);
  });

  afterAll(async () => {
    await app?.stop();
    await stub?.close();
  });

  it("opens Probot's setup page, which registers the app from app.yml", async () => {
    const response = await fetch(`${app.url}/probot`);
    const page = (await response.text()).replaceAll("&quot;", '"');

    expect(response.status).toBe(200);
    expect(page).toContain('"name":"member-gate"');
    expect(page).toContain('"public":false');
    expect(page).toContain('"members":"read"');
    expect(page).toContain('"default_events":["issue_comment","organization","membership"');
  });
});
