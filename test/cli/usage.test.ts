import { runCli } from "../helpers/cli-process.js";

describe("member-gate usage", () => {
  it("prints the commands and exits 0 on --help", async () => {
    const exit = await runCli(["--help"], {});

    expect(exit.code).toBe(0);
    expect(exit.output).toContain("Usage: member-gate <command>");
    expect(exit.output).toContain("cache purge --org ORG [--user USER]");
  });

  it("prints the help when no command is given", async () => {
    const exit = await runCli([], {});

    expect(exit.code).toBe(0);
    expect(exit.output).toContain("Usage: member-gate <command>");
  });

  it.each([
    [["cache", "flush"], "unknown command: cache flush"],
    [["check", "acme"], "check takes exactly two arguments: ORG USER"],
    [["cache", "purge"], "cache purge needs --org ORG"],
    [["cache", "stats", "--verbose"], "Unknown option '--verbose'"],
  ])("exits 2 with what is wrong and where to look for %j", async (args, message) => {
    const exit = await runCli(args, {});

    expect(exit.code).toBe(2);
    expect(exit.output).toContain(message);
    expect(exit.output).toContain("Run `member-gate --help` for usage.");
  });

  it("exits 1 and names the variable when the configuration is invalid", async () => {
    const exit = await runCli(["cache", "stats"], { STORE_DEADLINE: "fast" });

    expect(exit.code).toBe(1);
    expect(exit.output).toContain('member-gate: STORE_DEADLINE="fast" is invalid');
  });
});
