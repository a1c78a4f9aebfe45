import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import { validateConfig } from "../../src/commands/command-config.js";

const problemsOf = (raw: unknown) => {
  const validation = validateConfig(raw);
  return validation.outcome === "invalid" ? validation.problems : [];
};

describe("validateConfig", () => {
  it("accepts the documented example and fills in the defaults", () => {
    const raw = parse(`
commands:
  - name: Deploy
    teams: [release-managers]
    role: admin
    event_type: deploy-command
    allow_edits: false
    on: [pull_request]
  - name: retest
reply_on_denied: false
`);

    expect(validateConfig(raw)).toEqual({
      outcome: "valid",
      config: {
        replyOnDenied: false,
        commands: [
          {
            name: "deploy",
            teams: ["release-managers"],
            adminsOnly: true,
            eventType: "deploy-command",
            allowEdits: false,
            on: ["pull_request"],
          },
          {
            name: "retest",
            teams: [],
            adminsOnly: false,
            eventType: "retest-command",
            allowEdits: false,
            on: ["pull_request"],
          },
        ],
      },
    });
  });

  it("accepts the example file shipped in examples/", () => {
    const example = readFileSync(join(process.cwd(), "examples", "member-gate.yml"), "utf8");

    expect(validateConfig(parse(example))).toMatchObject({ outcome: "valid" });
  });

  it("replies on denial by default", () => {
    const validation = validateConfig({ commands: [] });

    expect(validation).toEqual({ outcome: "valid", config: { commands: [], replyOnDenied: true } });
  });

  it("names the key and the problem of each mistake", () => {
    const problems = problemsOf({
      commands: [{ name: "deploy", role: "owner", team: ["ops"], allow_edits: "yes", on: ["pr"] }],
    });

    expect(problems).toEqual([
      'commands[0].role: expected "admin"',
      "commands[0].allow_edits: expected boolean, received string",
      'commands[0].on[0]: expected one of "pull_request"|"issue"',
      "commands[0].team: unknown key; check its spelling",
    ]);
  });

  it("says when a required key is missing or the file is not a mapping", () => {
    expect(problemsOf({ reply_on_denied: true })).toEqual([
      "commands: expected array, but it is missing",
    ]);
    expect(problemsOf(null)).toEqual(["the file: expected object, received null"]);
  });

  it("refuses names and team slugs that are not bare words", () => {
    expect(problemsOf({ commands: [{ name: "/deploy", teams: ["acme/ops"] }] })).toEqual([
      "commands[0].name: use only letters, digits, - and _",
      "commands[0].teams[0]: use the team's slug, such as release-managers",
    ]);
  });

  it("refuses a command configured twice, whatever the case of its name", () => {
    expect(problemsOf({ commands: [{ name: "deploy" }, { name: "Deploy" }] })).toEqual([
      'commands[1].name: "deploy" is configured twice; keep one entry',
    ]);
  });
});
