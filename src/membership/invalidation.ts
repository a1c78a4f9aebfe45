import { KEY_PREFIX } from "../cache/gate-store.js";
import { entryKey } from "../cache/membership-cache.js";

/** What a webhook asks the cache to forget. Every kind only ever deletes. */
export type Invalidation =
  | { readonly kind: "org_member"; readonly orgId: number; readonly userId: number }
  | {
      readonly kind: "team_member";
      readonly orgId: number;
      readonly teamId: number;
      readonly userId: number;
    }
  | { readonly kind: "team"; readonly orgId: number; readonly teamId: number }
  | { readonly kind: "org"; readonly orgId: number };

/** The generation an invalidation replaces, and the entries it can delete by name. */
export interface InvalidationKeys {
  readonly guard: string;
  readonly entries: readonly string[];
}

export function invalidationKeys(invalidation: Invalidation): InvalidationKeys {
  const gen = `${KEY_PREFIX}gen:o${invalidation.orgId}`;
  switch (invalidation.kind) {
    case "org_member": {
      const { orgId, userId } = invalidation;
      return { guard: `${gen}:u${userId}`, entries: [entryKey({ orgId, userId })] };
    }
    case "team_member": {
      const { orgId, teamId, userId } = invalidation;
      const entry = entryKey({ orgId, teamId, userId });
      return { guard: `${gen}:t${teamId}:u${userId}`, entries: [entry] };
    }
    case "team":
      return { guard: `${gen}:t${invalidation.teamId}`, entries: [] };
    case "org":
      return { guard: gen, entries: [] };
  }
}
