import { MAX_COMMANDS, parseCommands } from "../../src/commands/parse-commands.js";

const names = (body: string) => parseCommands(body).commands.map((command) => command.name);

describe("parseCommands", () => {
  it("reads a command line with its arguments: name lower-cased, args' case kept", () => {
    const parsed = parseCommands("/Deploy Staging  --Force ");

    expect(parsed).toEqual({
      commands: [{ name: "deploy", args: "Staging  --Force", argv: ["Staging", "--Force"] }],
      dropped: 0,
    });
  });

  it("reads a command without arguments and several command lines as several commands", () => {
    expect(names("Looks good.\r\n/retest\n\n/deploy staging\n")).toEqual(["retest", "deploy"]);
    expect(parseCommands("/retest").commands[0]).toEqual({ name: "retest", args: "", argv: [] });
  });

  it("ignores /name in the middle of a sentence", () => {
    expect(names("please /deploy staging when green")).toEqual([]);
  });

  it("ignores a slash not followed by a bare name", () => {
    expect(names("/usr/bin/env\n/deploy:now\n/ deploy\n/déployer")).toEqual([]);
  });

  it("ignores lines in fenced code blocks of backticks and tildes", () => {
    const body = [
      "```sh",
      "/deploy staging",
      "```",
      "~~~~",
      "/deploy prod",
      "~~~",
      "/still-fenced",
      "~~~~",
      "/retest",
    ].join("\n");

    expect(names(body)).toEqual(["retest"]);
  });

  it("treats an unclosed fence as running to the end of the comment", () => {
    expect(names("```\n/deploy staging")).toEqual([]);
  });

  it("ignores inline code, also when the code span covers a line break", () => {
    expect(names("`/deploy staging`")).toEqual([]);
    expect(names("run ``this\n/deploy staging`` later")).toEqual([]);
    expect(names("a lone ` backtick\n/deploy staging")).toEqual(["deploy"]);
  });

  it("ignores quoted lines, nested or indented up to three spaces", () => {
    expect(names("> /deploy staging\n>> /deploy prod\n   > /retest")).toEqual([]);
  });

  it("ignores lines indented four spaces or more (an indented code block)", () => {
    expect(names("    /deploy staging\n   /retest")).toEqual(["retest"]);
  });

  it("keeps only the commands `accepts` admits, and does not count the others", () => {
    const body = "/cc @bob\n/deploy staging\n/shrug";

    const parsed = parseCommands(body, (command) => command.name === "deploy");

    expect(parsed.commands.map((command) => command.name)).toEqual(["deploy"]);
    expect(parsed.dropped).toBe(0);
  });

  it(`keeps the first ${MAX_COMMANDS} commands and reports how many were dropped`, () => {
    const body = Array.from({ length: 13 }, (_, index) => `/deploy env-${index}`).join("\n");

    const parsed = parseCommands(body);

    expect(parsed.commands).toHaveLength(MAX_COMMANDS);
    expect(parsed.commands.at(-1)?.args).toBe("env-9");
    expect(parsed.dropped).toBe(3);
  });

  it("marks arguments that hold control or bidirectional-override characters", () => {
    const [bell, bidi, tab] = parseCommands(
      "/deploy a\u0007b\n/deploy \u202Eprod\n/deploy a\tb",
    ).commands;

    expect(bell?.problem).toBe("control_characters");
    expect(bidi?.problem).toBe("control_characters");
    expect(tab?.problem).toBeUndefined();
  });
});
