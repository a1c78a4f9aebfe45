import { undecided, type UndecidedMembership } from "../membership/types.js";

interface HttpFailure {
  readonly status: number;
  readonly response?: { readonly headers: Record<string, unknown> };
  readonly cause?: unknown;
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return (
    typeof error === "object" && error !== null && typeof Reflect.get(error, "status") === "number"
  );
}

function isTimeout(error: unknown): boolean {
  const cause: unknown =
    typeof error === "object" && error !== null ? Reflect.get(error, "cause") : null;
  const name = typeof cause === "object" && cause !== null ? Reflect.get(cause, "name") : undefined;
  return name === "TimeoutError" || name === "AbortError";
}

/** The rate-limit headers of a failed request, when GitHub sent an answer at all. */
export function failureHeaders(error: unknown): Record<string, unknown> | undefined {
  return isHttpFailure(error) ? error.response?.headers : undefined;
}

function isRateLimit(failure: HttpFailure): boolean {
  const headers = failure.response?.headers ?? {};
  return (
    failure.status === 429 ||
    headers["retry-after"] !== undefined ||
    String(headers["x-ratelimit-remaining"]) === "0"
  );
}

/**
 * Maps a failed GitHub request to "undecided". Octokit reports a network failure or an aborted
 * request as status 500 with no response, so the response's presence tells a 5xx from no answer.
 */
export function classifyFailure(error: unknown): UndecidedMembership {
  if (!isHttpFailure(error)) return undecided("network_error", describe(error));

  const { status } = error;
  if (error.response === undefined) {
    return isTimeout(error)
      ? undecided("timeout", "GitHub did not answer before the lookup deadline")
      : undecided("network_error", describe(error));
  }
  if (status === 401) return undecided("unauthorized", "the installation token was refused", 401);
  if (isRateLimit(error)) return undecided("rate_limited", "GitHub's rate limit was hit", status);
  if (status === 403) return undecided("forbidden", "GitHub refused the lookup", 403);
  if (status >= 500) return undecided("server_error", `GitHub answered ${status}`, status);
  return undecided("unexpected_status", `GitHub answered ${status}`, status);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
