import { expectServed, useBuiltGate } from "../helpers/built-gate.js";
import { useFigures } from "../helpers/figures.js";
import { ACME, DEPLOY_YAML, type StubRepo } from "../helpers/stubbed-org.js";

const ALICE = { id: 501, login: "alice" };
let repos = 0;

/** A repository of its own for each case: the app keeps a read configuration for a minute. */
function freshRepo(): StubRepo {
  repos += 1;
  return { owner: ACME, name: `service-${repos}`, id: 3000 + repos };
}

/** The reply to a command under an invalid file names the file and, first, this problem. */
function replyNaming(repo: StubRepo, problem: string): string {
  return `.github/member-gate.yml in acme/${repo.name}:\n- ${problem}`;
}

describe("bad configuration files, read by the built app", () => {
  const gate = useBuiltGate();
  const figure = useFigures("Bad configuration files: status and time to answer");

  beforeAll(async () => {
    await expectServed(gate.current); // alice's membership is cached from here on
  });

  it.each([
    [
      "is not YAML",
      "commands: [deploy\n",
      "not valid YAML: Flow sequence in block collection must be sufficiently indented",
    ],
    ["is a list", "- name: deploy\n", "the file: expected object, received array"],
    ["is a number", "42\n", "the file: expected object, received number"],
    [
      "has an unknown key",
      "commands:\n  - name: deploy\n    teem: [release]\n",
      "commands[0].teem: unknown key; check its spelling",
    ],
    [
      "has a value of the wrong type",
      "commands:\n  - name: deploy\n    allow_edits: yes please\n",
      "commands[0].allow_edits: expected boolean, received string",
    ],
    [
      "has a string where a list belongs",
      "commands: deploy\n",
      "commands: expected array, received string",
    ],
  ])(
    "answers a command with one reply when the file %s, runs nothing, and runs once it is fixed",
    async (what, yaml, problem) => {
      const repo = freshRepo();
      gate.current.org.setConfig(repo, yaml);
      const lookups = gate.current.org.lookups();

      const answered = await gate.current.comment("/deploy staging", { repo });

      expect(answered.status).toBe(200);
      const effects = gate.current.effectsOf(answered);
      expect(effects).toEqual({ dispatches: 0, reactions: [], reply: expect.any(String) });
      expect(effects.reply).toMatch(/^member-gate's configuration is invalid, so no command ran\./);
      expect(effects.reply).toContain(replyNaming(repo, problem));
      expect(gate.current.org.lookups()).toBe(lookups);
      const logged = await gate.current.logEntry(answered.delivery, "config not usable");
      expect(logged).toMatchObject({ level: 40, outcome: "invalid", repo: `acme/${repo.name}` });
      figure(`a file that ${what}`, `${answered.status} in ${answered.ms} ms`);

      gate.current.org.setConfig(repo, DEPLOY_YAML);
      expect(await gate.current.deliver("push", gate.current.org.push(repo))).toBe(200);
      const again = await gate.current.comment("/deploy staging", { repo });
      expect(gate.current.effectsOf(again)).toEqual({
        dispatches: 1,
        reactions: ["rocket"],
        reply: "",
      });
    },
  );

  it("denies a command of a missing team, caches no team, admits once it exists", async () => {
    const repo = freshRepo();
    gate.current.org.setConfig(repo, "commands:\n  - name: deploy\n    teams: [ghosts]\n");
    const before = await gate.current.cached();

    const answered = await gate.current.comment("/deploy staging", { repo });

    expect(answered.status).toBe(200);
    expect(gate.current.effectsOf(answered)).toEqual({
      dispatches: 0,
      reactions: ["-1"],
      reply:
        "@alice\n- `/deploy`: did not run: the team acme/ghosts named in " +
        "`.github/member-gate.yml` does not exist; ask an owner of acme to fix the configuration.",
    });
    expect(await gate.current.logEntry(answered.delivery, "command denied")).toMatchObject({
      reason: "team_not_found",
    });
    const after = await gate.current.cached();
    expect(after["team"]).toEqual(before["team"]);
    expect(after["team-member"]).toEqual(before["team-member"]);
    figure("a team that does not exist", `${answered.status} in ${answered.ms} ms`);

    gate.current.org.addTeam("ghosts", 99, [ALICE]);
    const again = await gate.current.comment("/deploy staging", { repo });
    expect(gate.current.effectsOf(again)).toEqual({
      dispatches: 1,
      reactions: ["rocket"],
      reply: "",
    });
    await expectServed(gate.current);
  });
});
