import { ConfigSource, type ConfigClient, type RepoRef } from "../../src/commands/config-source.js";
import { useFakeClock } from "../helpers/fake-clock.js";
import { silentLog } from "../helpers/silent-log.js";

const WIDGETS: RepoRef = { owner: "acme", ownerId: 1001, repo: "widgets", repoId: 2001 };
const GADGETS: RepoRef = { owner: "acme", ownerId: 1001, repo: "gadgets", repoId: 2002 };
const VALID = { commands: [{ name: "deploy" }] };

type Answer = () => Promise<{ config: unknown; files: Array<Record<string, unknown>> }>;

/** A config plugin stand-in that counts reads and answers with `answer`. */
function fakeClient(answer: Answer = found(VALID)) {
  const client = { reads: 0, answer };
  const github = {
    config: {
      get: async () => {
        client.reads += 1;
        return client.answer();
      },
    },
  } as unknown as ConfigClient;
  return { client, github };
}

function found(config: unknown): Answer {
  const file = { owner: "acme", repo: "widgets", path: ".github/member-gate.yml", config };
  return async () => ({ config, files: [file] });
}

describe("ConfigSource", () => {
  const clock = useFakeClock();

  it("serves a repository's configuration from memory until the TTL passes", async () => {
    const { client, github } = fakeClient();
    const configs = new ConfigSource(silentLog, 60_000);

    await configs.load(github, WIDGETS);
    clock.advance(59_000);
    const cached = await configs.load(github, WIDGETS);
    clock.advance(2_000);
    await configs.load(github, WIDGETS);

    expect(cached.outcome).toBe("valid");
    expect(client.reads).toBe(2);
  });

  it("shares one read between concurrent comments on the same repository", async () => {
    const { client, github } = fakeClient();
    const configs = new ConfigSource(silentLog);

    await Promise.all([configs.load(github, WIDGETS), configs.load(github, WIDGETS)]);

    expect(client.reads).toBe(1);
  });

  it("forgets one repository, or every repository of an owner", async () => {
    const { client, github } = fakeClient();
    const configs = new ConfigSource(silentLog);
    await configs.load(github, WIDGETS);
    await configs.load(github, GADGETS);

    configs.forgetRepo(WIDGETS.repoId);
    await configs.load(github, WIDGETS);
    await configs.load(github, GADGETS);
    expect(client.reads).toBe(3);

    configs.forgetOrg(WIDGETS.ownerId);
    await configs.load(github, WIDGETS);
    await configs.load(github, GADGETS);
    expect(client.reads).toBe(5);
  });

  it("keeps nothing when a push lands while the file is being read", async () => {
    const configs = new ConfigSource(silentLog);
    const { client, github } = fakeClient(async () => {
      configs.forgetRepo(WIDGETS.repoId);
      return found(VALID)();
    });

    await configs.load(github, WIDGETS);
    client.answer = found(VALID);
    await configs.load(github, WIDGETS);

    expect(client.reads).toBe(2);
  });

  it("does not keep a read GitHub failed, and reports it as unreadable", async () => {
    const failure = Object.assign(new Error("Service Unavailable"), {
      status: 503,
      response: { headers: {} },
    });
    const { client, github } = fakeClient(() => Promise.reject(failure));
    const configs = new ConfigSource(silentLog);

    const first = await configs.load(github, WIDGETS);
    client.answer = found(VALID);
    const second = await configs.load(github, WIDGETS);

    expect(first).toEqual({ outcome: "unreadable", detail: "GitHub answered 503" });
    expect(second.outcome).toBe("valid");
  });

  it("reports YAML that cannot be parsed as an invalid file, with the reason", async () => {
    const yamlError = new Error(
      "Nested mappings are not allowed at line 2, column 8:\n\n  x: y: z",
    );
    const failure = new Error(
      "[@probot/octokit-plugin-config] Configuration could not be parsed from URL (invalid YAML)",
      { cause: yamlError },
    );
    const { github } = fakeClient(() => Promise.reject(failure));

    const loaded = await new ConfigSource(silentLog).load(github, WIDGETS);

    expect(loaded).toEqual({
      outcome: "invalid",
      file: ".github/member-gate.yml in acme/widgets",
      problems: ["not valid YAML: Nested mappings are not allowed at line 2, column 8:"],
    });
  });

  it("reports no configuration when neither the repository nor the org has a file", async () => {
    const { github } = fakeClient(async () => ({ config: {}, files: [{ config: null }] }));

    expect(await new ConfigSource(silentLog).load(github, WIDGETS)).toEqual({ outcome: "absent" });
  });
});
