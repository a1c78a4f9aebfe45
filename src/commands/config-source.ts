import type { Logger, ProbotOctokit } from "probot";

import { CONFIG_PATH, validateConfig, type GateConfig } from "./command-config.js";
import { classifyFailure } from "../github/classify-failure.js";
import { SingleFlight } from "../membership/single-flight.js";

export type ConfigClient = Pick<InstanceType<typeof ProbotOctokit>, "config">;

/** The repository a comment was written in, and its owner (an org or a personal account). */
export interface RepoRef {
  readonly owner: string;
  readonly ownerId: number;
  readonly repo: string;
  readonly repoId: number;
}

/** A repository's configuration: none, valid, invalid (with problems), or not readable now. */
export type LoadedConfig =
  | { readonly outcome: "absent" }
  | { readonly outcome: "valid"; readonly config: GateConfig }
  | { readonly outcome: "invalid"; readonly file: string; readonly problems: readonly string[] }
  | { readonly outcome: "unreadable"; readonly detail: string };

interface Entry {
  readonly loaded: LoadedConfig;
  readonly ownerId: number;
  readonly expiresAt: number;
}

export const CONFIG_TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;

/**
 * Reads `.github/member-gate.yml` through Probot's config plugin (repository, then the org's
 * `.github` repository, then `_extends`) and keeps the answer in this process for `ttlMs`, keyed by
 * repository id, so that comments do not each cost a read. A read that failed is not kept.
 * {@link forgetRepo} and {@link forgetOrg} drop entries when a push changes a configuration.
 */
export class ConfigSource {
  readonly #entries = new Map<number, Entry>();
  readonly #flights = new SingleFlight<LoadedConfig>();
  #generation = 0;

  constructor(
    private readonly log: Logger,
    private readonly ttlMs = CONFIG_TTL_MS,
  ) {}

  async load(github: ConfigClient, repo: RepoRef): Promise<LoadedConfig> {
    const entry = this.#entries.get(repo.repoId);
    if (entry && entry.expiresAt > Date.now()) return entry.loaded;

    return this.#flights.run(String(repo.repoId), () => this.#read(github, repo));
  }

  /** Drops the configuration of one repository (a push to its default branch). */
  forgetRepo(repoId: number): void {
    this.#generation += 1;
    this.#entries.delete(repoId);
  }

  /** Drops the configuration of every repository of an owner (a push to its `.github` repo). */
  forgetOrg(ownerId: number): void {
    this.#generation += 1;
    for (const [repoId, entry] of this.#entries) {
      if (entry.ownerId === ownerId) this.#entries.delete(repoId);
    }
  }

  async #read(github: ConfigClient, repo: RepoRef): Promise<LoadedConfig> {
    const generation = this.#generation;
    const loaded = await readConfig(github, repo);
    this.log.debug({ repo: `${repo.owner}/${repo.repo}`, outcome: loaded.outcome }, "config read");

    // A push that landed while the file was being read may have changed it: keep nothing then.
    if (loaded.outcome !== "unreadable" && generation === this.#generation) {
      this.#keep(repo, loaded);
    }
    return loaded;
  }

  #keep(repo: RepoRef, loaded: LoadedConfig): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.delete(repo.repoId);
    const expiresAt = Date.now() + this.ttlMs;
    this.#entries.set(repo.repoId, { loaded, ownerId: repo.ownerId, expiresAt });
  }
}

async function readConfig(github: ConfigClient, repo: RepoRef): Promise<LoadedConfig> {
  const where = { owner: repo.owner, repo: repo.repo, path: CONFIG_PATH };
  try {
    const { config, files } = await github.config.get(where);
    const found = files.filter((file) => file.config !== null);
    if (found.length === 0) return { outcome: "absent" };

    const file = found.map((one) => `${one.path} in ${one.owner}/${one.repo}`).join(", ");
    // The plugin merges every file into one object, which turns a list into keys "0", "1"...:
    // validate a file that is not a mapping as it is, so the problem names it.
    const notMapping = found.find((one) => !isMapping(one.config));
    const validation = validateConfig(notMapping ? notMapping.config : config);
    return validation.outcome === "valid"
      ? validation
      : { outcome: "invalid", file, problems: validation.problems };
  } catch (error) {
    if (isHttpFailure(error))
      return { outcome: "unreadable", detail: classifyFailure(error).detail };
    const file = `${CONFIG_PATH} in ${repo.owner}/${repo.repo}`;
    return { outcome: "invalid", file, problems: [pluginProblem(error)] };
  }
}

function isMapping(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHttpFailure(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && typeof Reflect.get(error, "status") === "number"
  );
}

/** The config plugin throws plain errors for YAML it cannot parse and for a bad `_extends`. */
function pluginProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  if (cause && message.includes("invalid YAML")) {
    return `not valid YAML: ${cause.message.split("\n")[0] ?? cause.message}`;
  }
  return message.replace(/^\[@probot\/octokit-plugin-config\] /, "");
}
