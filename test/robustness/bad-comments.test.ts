import { expectServed, useBuiltGate, type Answered } from "../helpers/built-gate.js";
import { useFigures } from "../helpers/figures.js";

const MB = 1024 * 1024;
const MALLORY = { id: 666, login: "mallory" };

let people = 0;
/** A member nobody has looked up yet: a lookup for them shows up at the stub. */
function freshMember(role: "member" | "admin" = "member") {
  people += 1;
  return { id: 7000 + people, login: `member${people}`, role };
}

describe("bad comments to the built app", () => {
  const gate = useBuiltGate();
  const figure = useFigures("Bad comments: status, time to answer, lookups");

  /** What the stub and the cache say before a comment, to compare after it. */
  async function snapshot() {
    const { org } = gate.current;
    return { lookups: org.lookups(), configReads: org.configReads(), ...(await memberships()) };
  }

  async function memberships() {
    const cached = await gate.current.cached();
    return { entries: (cached["member"] ?? 0) + (cached["team-member"] ?? 0) };
  }

  /** Nothing happened: no config read, no lookup, no answer, no cache entry; the next is served. */
  async function expectIgnored(answered: Answered, before: Awaited<ReturnType<typeof snapshot>>) {
    expect(answered.status).toBe(200);
    expect(await snapshot()).toEqual(before);
    expect(gate.current.effectsOf(answered)).toEqual({ dispatches: 0, reactions: [], reply: "" });
    await expectServed(gate.current);
  }

  it.each([
    ["prose", "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "],
    ["inline code spans in one paragraph", "`x` "],
    ["backtick runs that never close", "` ``x "],
    ["code spans one per line", "`x`\n"],
    ["one-letter lines", "a\n"],
  ])("ignores a 1 MB comment of %s without reading anything", async (what, unit) => {
    const body = unit.repeat(Math.ceil(MB / unit.length));
    const before = await snapshot();

    const answered = await gate.current.comment(body);

    await expectIgnored(answered, before);
    figure(`1 MB of ${what}`, `${answered.status} in ${answered.ms} ms`);
  });

  it.each([
    ["a fullwidth solidus", "\uFF0Fdeploy staging"],
    ["a division slash", "\u2215deploy staging"],
    ["a fraction slash", "\u2044deploy staging"],
    ["a big solidus", "\u29F8deploy staging"],
    ["a Cyrillic e in the name", "/d\u0435ploy staging"],
    ["a Cyrillic komi de in the name", "/\u0501eploy staging"],
    ["fullwidth letters in the name", "/\uFF44\uFF45\uFF50\uFF4C\uFF4F\uFF59 staging"],
    ["a zero-width space before the slash", "\u200B/deploy staging"],
    ["a soft hyphen in the name", "/de\u00ADploy staging"],
    ["a no-break space after the name", "/deploy\u00A0staging"],
  ])("does not take a look-alike with %s for a command", async (_, body) => {
    const before = await snapshot();

    const answered = await gate.current.comment(body);

    await expectIgnored(answered, before);
  });

  it.each([
    ["a 10 KB command name", `/${"d".repeat(10 * 1024)} staging`],
    ["a 10 KB name that starts with deploy", `/deploy${"y".repeat(10 * 1024)} staging`],
  ])("ignores %s: no such command is configured", async (what, body) => {
    const before = await snapshot();

    const answered = await gate.current.comment(body);

    expect(answered.status).toBe(200);
    const after = await snapshot();
    expect({ ...after, configReads: before.configReads }).toEqual(before);
    expect(gate.current.effectsOf(answered)).toEqual({ dispatches: 0, reactions: [], reply: "" });
    await expectServed(gate.current);
    figure(what, `${answered.status} in ${answered.ms} ms`);
  });

  it.each([
    ["NUL", "staging\u0000"],
    ["an ANSI escape", "\u001B[31mstaging"],
    ["BEL", "stag\u0007ing"],
    ["DEL", "staging\u007F"],
    ["a right-to-left override", "\u202Egnigats"],
    ["a left-to-right isolate", "\u2066staging"],
  ])("refuses arguments with %s: -1 and a reply, no lookup, no dispatch", async (_, args) => {
    const member = freshMember();
    gate.current.org.addMember(member);
    const before = await snapshot();

    const answered = await gate.current.comment(`/deploy ${args}`, { actor: member });

    expect(answered.status).toBe(200);
    expect(gate.current.effectsOf(answered)).toEqual({
      dispatches: 0,
      reactions: ["-1"],
      reply:
        `@${member.login}\n- \`/deploy\`: did not run: its arguments contain control characters. ` +
        "Remove them and comment again.",
    });
    expect(gate.current.org.lookups(member)).toBe(0);
    expect(await memberships()).toEqual({ entries: before.entries });
    expect(await gate.current.logEntry(answered.delivery, "command denied")).toMatchObject({
      actor: member.login,
      command: "deploy",
      reason: "invalid_arguments",
    });
    await expectServed(gate.current);
  });

  it("decides the first 10 of 20,000 command lines from a non-member with one lookup", async () => {
    const before = await snapshot();

    const answered = await gate.current.comment("/deploy staging\n".repeat(20_000), {
      actor: MALLORY,
    });

    expect(answered.status).toBe(200);
    const effects = gate.current.effectsOf(answered);
    expect(effects.dispatches).toBe(0);
    expect(effects.reactions).toEqual(["-1"]);
    expect(effects.reply.split("\n")).toHaveLength(1 + 10 + 1);
    expect(effects.reply).toContain(
      "Only the first 10 commands of a comment are read; 19990 more commands were ignored.",
    );
    expect(gate.current.org.lookups(MALLORY)).toBe(1);
    expect(await memberships()).toEqual({ entries: before.entries + 1 }); // "not a member", kept
    await expectServed(gate.current);
    figure("20,000 lines, non-member", `${answered.status} in ${answered.ms} ms, 1 lookup`);
  });

  it("runs the first 10 of 20,000 command lines from a member, with one lookup", async () => {
    const member = freshMember();
    gate.current.org.addMember(member);

    const answered = await gate.current.comment("/deploy staging\n".repeat(20_000), {
      actor: member,
    });

    expect(answered.status).toBe(200);
    expect(gate.current.effectsOf(answered)).toMatchObject({
      dispatches: 10,
      reactions: ["rocket"],
    });
    expect(gate.current.org.lookups(member)).toBe(1);
    await expectServed(gate.current);
    figure("20,000 lines, member", `${answered.status} in ${answered.ms} ms, 1 lookup`);
  });
});
