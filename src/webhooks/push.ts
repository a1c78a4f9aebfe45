import type { Probot } from "probot";

import type { ConfigSource } from "../commands/config-source.js";
import type { GateMetrics } from "../metrics/gate-metrics.js";

/** The org-wide configuration (and `_extends` targets, by convention) live in this repository. */
const ORG_CONFIG_REPO = ".github";

/**
 * A push to a repository's default branch may change its `.github/member-gate.yml`: its cached
 * configuration is dropped. A push to the org's `.github` repository may change the fallback of
 * every repository: the owner's whole cache is dropped. Other pushes change nothing.
 */
export function registerPushHandler(
  app: Probot,
  configs: ConfigSource,
  metrics: GateMetrics,
): void {
  app.on("push", async (context) => {
    const stop = metrics.webhookSeconds.startTimer({ event: "push" });
    const { ref, repository } = context.payload;
    if (ref === `refs/heads/${repository.default_branch}`) {
      configs.forgetRepo(repository.id);
      if (repository.name === ORG_CONFIG_REPO && repository.owner) {
        configs.forgetOrg(repository.owner.id);
      }
      context.log.debug({ repo: repository.full_name }, "cached configuration dropped");
    }
    stop();
  });
}
