import { z } from "zod";

/** Where a comment was written: a pull request, or a plain issue. */
export type CommentPlace = "pull_request" | "issue";

/** One configured command, with its defaults filled in. */
export interface CommandConfig {
  /** Lower-cased. */
  readonly name: string;
  /** The actor must be an active member of at least one of these teams; empty: any org member. */
  readonly teams: readonly string[];
  /** Only org admins (owners) may run it. */
  readonly adminsOnly: boolean;
  /** The `repository_dispatch` event type; default `<name>-command`. */
  readonly eventType: string;
  /** An edited comment runs it too, on behalf of the editor. */
  readonly allowEdits: boolean;
  readonly on: readonly CommentPlace[];
}

export interface GateConfig {
  readonly commands: readonly CommandConfig[];
  /** Reply to the author when a command is denied; reactions are always set. */
  readonly replyOnDenied: boolean;
}

/** The result of validating a configuration file: the config, or what is wrong with it. */
export type ConfigValidation =
  | { readonly outcome: "valid"; readonly config: GateConfig }
  | { readonly outcome: "invalid"; readonly problems: readonly string[] };

/** Where the configuration lives, in the repository or the org's `.github` repository. */
export const CONFIG_PATH = ".github/member-gate.yml";

const NAME = /^[A-Za-z0-9_-]+$/;
const TEAM_SLUG = /^[A-Za-z0-9_-]+$/;
const MAX_TEAMS = 10;
// GitHub refuses a repository_dispatch event_type longer than 100 characters.
const MAX_EVENT_TYPE = 100;

const commandSchema = z.strictObject({
  name: z.string().max(50).regex(NAME, "use only letters, digits, - and _"),
  teams: z
    .array(z.string().regex(TEAM_SLUG, "use the team's slug, such as release-managers"))
    .min(1)
    .max(MAX_TEAMS)
    .optional(),
  role: z.literal("admin").optional(),
  event_type: z.string().min(1).max(MAX_EVENT_TYPE).optional(),
  allow_edits: z.boolean().optional(),
  on: z
    .array(z.enum(["pull_request", "issue"]))
    .min(1)
    .optional(),
});

const fileSchema = z.strictObject({
  commands: z.array(commandSchema),
  reply_on_denied: z.boolean().optional(),
});

type CommandEntry = z.infer<typeof commandSchema>;

/**
 * Validates the parsed YAML of `.github/member-gate.yml`. Each problem names the key (as a path
 * such as `commands[0].role`) and what is wrong with it.
 */
export function validateConfig(raw: unknown): ConfigValidation {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) return { outcome: "invalid", problems: parsed.error.issues.map(describe) };

  const commands = parsed.data.commands.map(toCommandConfig);
  const repeated = repeatedNames(commands);
  if (repeated.length > 0) return { outcome: "invalid", problems: repeated };
  return {
    outcome: "valid",
    config: { commands, replyOnDenied: parsed.data.reply_on_denied ?? true },
  };
}

/** The configured command named `name` (already lower-cased), if any. */
export function findCommand(config: GateConfig, name: string): CommandConfig | undefined {
  return config.commands.find((command) => command.name === name);
}

function toCommandConfig(entry: CommandEntry): CommandConfig {
  const name = entry.name.toLowerCase();
  return {
    name,
    teams: entry.teams ?? [],
    adminsOnly: entry.role === "admin",
    eventType: entry.event_type ?? `${name}-command`,
    allowEdits: entry.allow_edits ?? false,
    on: entry.on ?? ["pull_request"],
  };
}

function repeatedNames(commands: readonly CommandConfig[]): string[] {
  return commands.flatMap((command, index) =>
    commands.findIndex((other) => other.name === command.name) < index
      ? [`commands[${index}].name: "${command.name}" is configured twice; keep one entry`]
      : [],
  );
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return issue.keys
      .map((key) => `${keyPath([...issue.path, key])}: unknown key; check its spelling`)
      .join("; ");
  }
  const message = issue.message
    .replace(/^Invalid (input|option): /, "")
    .replace("received undefined", "but it is missing");
  return `${keyPath(issue.path)}: ${message}`;
}

function keyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "the file";
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}
