/** One slash command found in a comment. */
export interface ParsedCommand {
  /** Lower-cased: `/Deploy` and `/deploy` are the same command. */
  readonly name: string;
  /** Everything after the name on its line, trimmed, case kept. */
  readonly args: string;
  /** `args` split on whitespace. */
  readonly argv: readonly string[];
  /** Set when the arguments hold control or bidirectional-override characters. */
  readonly problem?: "control_characters";
}

export interface ParsedComment {
  readonly commands: readonly ParsedCommand[];
  /** Accepted commands beyond the limit, which are ignored. */
  readonly dropped: number;
}

/** At most this many commands of one comment are decided. */
export const MAX_COMMANDS = 10;

const COMMAND_LINE = /^ {0,3}\/([A-Za-z0-9_-]+)(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const QUOTE = /^ {0,3}>/;
// C0 controls except tab, DEL, C1 controls, and the bidirectional marks and overrides.
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

interface TextLine {
  readonly text: string;
  /** Where the line starts within its paragraph's text. */
  readonly offset: number;
}

/**
 * Finds the slash commands of a comment body: lines that start with `/name` (letters, digits,
 * `-`, `_`) followed by whitespace or the end of the line. Lines in fenced code blocks, in inline
 * code spans, in `>` quotes, and `/name` in the middle of a sentence are not commands. Commands
 * that `accepts` refuses are skipped without counting; of the others the first `limit` are kept.
 */
export function parseCommands(
  body: string,
  accepts: (command: ParsedCommand) => boolean = () => true,
  limit = MAX_COMMANDS,
): ParsedComment {
  const accepted = commandLines(body)
    .map(readCommand)
    .filter((command): command is ParsedCommand => command !== undefined && accepts(command));
  return { commands: accepted.slice(0, limit), dropped: Math.max(0, accepted.length - limit) };
}

/** The same command (name and arguments), for telling an edit's new commands from old ones. */
export function commandKey(command: ParsedCommand): string {
  return `${command.name} ${command.args}`;
}

function readCommand(line: string): ParsedCommand | undefined {
  const match = COMMAND_LINE.exec(line);
  if (!match?.[1]) return undefined;

  const args = (match[2] ?? "").trim();
  const argv = args === "" ? [] : args.split(/\s+/);
  const command = { name: match[1].toLowerCase(), args, argv };
  return CONTROL.test(args) ? { ...command, problem: "control_characters" } : command;
}

/** The lines that are plain paragraph text: not fenced, not quoted, not inside a code span. */
function commandLines(body: string): string[] {
  const lines: string[] = [];
  let paragraph: TextLine[] = [];
  let fence: string | undefined;
  const endParagraph = () => {
    for (const line of outsideCodeSpans(paragraph)) lines.push(line);
    paragraph = [];
  };

  for (const text of body.split(/\r\n|\n|\r/)) {
    if (fence !== undefined) {
      if (closesFence(text, fence)) fence = undefined;
      continue;
    }
    const marker = FENCE.exec(text)?.[1];
    if (marker !== undefined) {
      endParagraph();
      fence = marker;
    } else if (text.trim() === "" || QUOTE.test(text)) {
      endParagraph();
    } else {
      const last = paragraph.at(-1);
      paragraph.push({ text, offset: last ? last.offset + last.text.length + 1 : 0 });
    }
  }
  endParagraph();
  return lines;
}

function closesFence(text: string, fence: string): boolean {
  const marker = CLOSING_FENCE.exec(text)?.[1];
  return marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length;
}

/**
 * Lines of a paragraph that do not start inside an inline code span (which may span lines). Lines
 * and spans both come in order, so one walk over each decides every line.
 */
function outsideCodeSpans(paragraph: readonly TextLine[]): string[] {
  const spans = codeSpans(paragraph.map((line) => line.text).join("\n"));
  const outside: string[] = [];
  let span = 0;
  for (const line of paragraph) {
    while (span < spans.length && spans[span]![1] <= line.offset) span += 1;
    const [start] = spans[span] ?? [Infinity];
    if (line.offset < start) outside.push(line.text);
  }
  return outside;
}

/**
 * The [start, end) ranges of inline code in `text`: a run of n backticks opens a span only when a
 * later run of exactly n backticks closes it (CommonMark's rule).
 */
function codeSpans(text: string): Array<[number, number]> {
  const runs = [...text.matchAll(/`+/g)].map((run) => ({ at: run.index, length: run[0].length }));
  const closers = nextOfSameLength(runs.map((run) => run.length));
  const spans: Array<[number, number]> = [];
  let open = 0;
  while (open < runs.length) {
    const opener = runs[open]!;
    const close = closers[open]!;
    if (close === -1) {
      open += 1;
      continue;
    }
    spans.push([opener.at + opener.length, runs[close]!.at]);
    open = close + 1;
  }
  return spans;
}

/**
 * For each run, the index of the next run of the same length, or -1: found in one pass from the
 * end, so that a comment with many backtick runs costs linear time, not quadratic.
 */
function nextOfSameLength(lengths: readonly number[]): number[] {
  const next = new Array<number>(lengths.length);
  const seen = new Map<number, number>();
  for (let index = lengths.length - 1; index >= 0; index -= 1) {
    const length = lengths[index]!;
    next[index] = seen.get(length) ?? -1;
    seen.set(length, index);
  }
  return next;
}
