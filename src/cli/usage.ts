import { parseArgs } from "node:util";

export const HELP = `Usage: member-gate <command> [options]

Operator commands for member-gate. They read the same environment and .env as the app
(APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, GHE_HOST, GHE_PROTOCOL, CACHE_URL, ...).

Commands:
  check ORG USER                 Ask GitHub now, with the installation's token, whether USER is
                                 a member of ORG; print member, not a member, or undecided with
                                 the reason. Nothing is cached.
  cache stats                    Print the cache store, its entries by kind, and its file size.
  cache purge --org ORG [--user USER]
                                 Forget the cached memberships of USER in ORG, or of everyone in
                                 ORG. ORG and USER are logins or numeric ids.

Options:
  -h, --help                     Print this help.

Exit codes: 0 done, 1 failed (GitHub or the cache store could not answer, or the configuration
is invalid), 2 usage error.`;

/** The command line is not one the CLI understands; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type CliCommand =
  | { readonly name: "help" }
  | { readonly name: "check"; readonly org: string; readonly user: string }
  | { readonly name: "cache-stats" }
  | { readonly name: "cache-purge"; readonly org: string; readonly user: string | undefined };

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  org: { type: "string" },
  user: { type: "string" },
} as const;

/** Reads the arguments after `member-gate`; throws {@link UsageError} on anything else. */
export function parseCommand(args: readonly string[]): CliCommand {
  const { values, positionals } = parseOrThrow(args);
  if (values.help === true || positionals.length === 0) return { name: "help" };

  const [first, second, ...rest] = positionals;
  if (first === "check") {
    const [user, ...extra] = rest;
    if (second === undefined || user === undefined || extra.length > 0) {
      throw new UsageError("check takes exactly two arguments: ORG USER");
    }
    return { name: "check", org: second, user };
  }
  if (first === "cache" && second === "stats" && rest.length === 0) return { name: "cache-stats" };
  if (first === "cache" && second === "purge" && rest.length === 0) {
    if (values.org === undefined) throw new UsageError("cache purge needs --org ORG");
    return { name: "cache-purge", org: values.org, user: values.user };
  }
  throw new UsageError(`unknown command: ${positionals.join(" ")}`);
}

function parseOrThrow(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
