import { randomUUID } from "node:crypto";

import { expectServed, useBuiltGate } from "../helpers/built-gate.js";
import { useFigures } from "../helpers/figures.js";
import {
  deliveryHeaders,
  postRaw,
  signature,
  type RawDelivery,
} from "../helpers/signed-delivery.js";
import type { PostedComment } from "../helpers/stubbed-org.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/test-app.js";

const MB = 1024 * 1024;
/** GitHub caps webhook payloads at 25 MB; this is more. */
const OVERSIZED = 26 * MB;
const WRONG_SECRET = "not-the-app-secret";

interface BadDelivery {
  readonly request: RawDelivery;
  /** The comment inside, if any: a member's `/deploy`, which must not run. */
  readonly posted?: PostedComment;
}

describe("bad deliveries to the built app over HTTP", () => {
  const gate = useBuiltGate();
  const figure = useFigures("Bad deliveries: status, time to answer, bytes the app logged");

  /** A member's signed `/deploy staging`, as GitHub would send it, spoiled by `spoil`. */
  function spoiledDeploy(spoil: (body: string, id: string) => RawDelivery): BadDelivery {
    const { payload, posted } = gate.current.org.comment("/deploy staging");
    return { request: spoil(JSON.stringify(payload), randomUUID()), posted };
  }

  /** The deploy comment with `value(body)` as its x-hub-signature-256. */
  const signedAs = (value: (body: string) => string) =>
    spoiledDeploy((body, id) => {
      const headers = deliveryHeaders("issue_comment", body, null, id);
      return { body, headers: { ...headers, "x-hub-signature-256": value(body) } };
    });
  const validSignature = (body: string) => signature(body, TEST_WEBHOOK_SECRET);

  const rejected: Array<[string, () => BadDelivery]> = [
    [
      "without a signature",
      () => spoiledDeploy((body, id) => ({ body, headers: unsignedHeaders(body, id) })),
    ],
    ["signed with another secret", () => signedAs((body) => signature(body, WRONG_SECRET))],
    [
      "with only the legacy sha1 signature header",
      () =>
        spoiledDeploy((body, id) => {
          const sha1 = `sha1=${validSignature(body).slice(7, 47)}`;
          return { body, headers: { ...unsignedHeaders(body, id), "x-hub-signature": sha1 } };
        }),
    ],
    [
      "with a sha1= value in x-hub-signature-256",
      () => signedAs((body) => validSignature(body).replace("sha256=", "sha1=")),
    ],
    ["with a truncated signature", () => signedAs((body) => validSignature(body).slice(0, 40))],
    ["with a signature that is not hex", () => signedAs(() => `sha256=${"z".repeat(64)}`)],
    [
      "whose body was changed by one byte after signing",
      () =>
        spoiledDeploy((body, id) => ({
          body: body.replace("/deploy staging", "/deploy stagins"),
          headers: deliveryHeaders("issue_comment", body, TEST_WEBHOOK_SECRET, id),
        })),
    ],
    [
      "of invalid JSON with a valid signature",
      () =>
        spoiledDeploy((body, id) => {
          const broken = body.slice(0, -1);
          return { body: broken, headers: deliveryHeaders("issue_comment", broken, undefined, id) };
        }),
    ],
  ];

  it.each(rejected)(
    "answers a delivery %s with 4xx, runs nothing, and serves the next",
    async (name, make) => {
      const delivery = make();
      const before = await snapshot();

      const { status, ms, bytes } = await post(delivery, { untilQuiet: true });

      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      await expectNothingDone(delivery, before);
      await expectServed(gate.current);
      figure(name, `${status} in ${ms} ms, ${bytes} bytes logged`);
    },
  );

  const ignored: Array<[string, () => BadDelivery, string]> = [
    [
      "an org's issue_comment without installation",
      () => {
        const comment = gate.current.org.comment("/deploy staging", { installation: null });
        return { request: signed("issue_comment", comment.payload), posted: comment.posted };
      },
      "issue_comment",
    ],
    [
      "an event the app does not subscribe (star)",
      () => ({ request: signed("star", { action: "created", starred_at: null }) }),
      "star",
    ],
    [
      "an action the app does not handle (issue_comment.deleted)",
      () => {
        const comment = gate.current.org.comment("/deploy staging");
        const payload = { ...(comment.payload as object), action: "deleted" };
        return { request: signed("issue_comment", payload), posted: comment.posted };
      },
      "issue_comment",
    ],
    [
      `a signed body of ${OVERSIZED / MB} MB that nobody handles`,
      () => ({ request: padded("star", OVERSIZED, TEST_WEBHOOK_SECRET) }),
      "star",
    ],
  ];

  it.each(ignored)(
    "answers %s with 2xx and a debug line naming it, runs nothing, and serves the next",
    async (name, make, event) => {
      const delivery = make();
      const before = await snapshot();
      const line = `${event} event received (id: ${delivery.request.headers["x-github-delivery"]})`;

      const { status, ms, bytes, from } = await post(delivery, { untilQuiet: true });

      expect(status).toBe(200);
      expect(await gate.current.logged(line, from)).toContain(line);
      await expectNothingDone(delivery, before);
      await expectServed(gate.current);
      figure(name, `${status} in ${ms} ms, ${bytes} bytes logged`);
    },
  );

  // Probot logs a delivery whose signature does not match at error level with the whole
  // unverified payload, three times over (the error's `event`, and twice in the AggregateError),
  // before member-gate's code is reached. Fixing it means giving `run()` a logger that redacts
  // `err.event.payload`; until then a proxy in front should cap request bodies.
  test.failing("logs less than the body of a 1 MB delivery with a wrong signature", async () => {
    const { status, bytes } = await post(
      { request: padded("issue_comment", MB, WRONG_SECRET) },
      { untilQuiet: true },
    );

    figure("1 MB with a wrong signature", `${status}, ${bytes} bytes logged`);
    expect(status).toBe(400);
    expect(bytes).toBeLessThan(MB);
  });

  // Last: its log lines (3 x 26 MB, see above) take seconds to drain, so nothing waits for them.
  it(`answers ${OVERSIZED / MB} MB with a wrong signature 4xx and serves the next`, async () => {
    const delivery = { request: padded("issue_comment", OVERSIZED, WRONG_SECRET) };
    const before = await snapshot();

    const { status, ms } = await post(delivery, { untilQuiet: false });

    expect(status).toBe(400);
    await expectNothingDone(delivery, before);
    const served = await expectServed(gate.current);
    figure(`${OVERSIZED / MB} MB with a wrong signature`, `${status} in ${ms} ms`);
    figure("  the next good delivery, meanwhile", `${served.status} in ${served.ms} ms`);
  });

  async function snapshot() {
    const { org } = gate.current;
    const cached = await cachedByDeliveries();
    return { lookups: org.lookups(), dispatches: org.dispatches().length, cached };
  }

  /**
   * The store's keys by kind, but for the app's own bookkeeping: the start-up check of missed
   * deliveries writes its time (`meta`) whenever it ends.
   */
  async function cachedByDeliveries(): Promise<Record<string, number>> {
    const { meta: _, ...cached } = await gate.current.cached();
    return cached;
  }

  /** Posts the request; resolves with the answer and, if asked, once the app's log is flushed. */
  async function post(delivery: BadDelivery, { untilQuiet }: { untilQuiet: boolean }) {
    const { child } = gate.current.app;
    const from = child.output.length;
    const started = performance.now();
    const response = await postRaw(gate.current.app.url, delivery.request);
    await response.arrayBuffer();
    const ms = Math.round(performance.now() - started);
    if (untilQuiet) await gate.current.quiet();
    return { status: response.status, ms, from, bytes: child.output.length - from };
  }

  async function expectNothingDone(
    delivery: BadDelivery,
    before: Awaited<ReturnType<typeof snapshot>>,
  ) {
    const { org } = gate.current;
    expect(org.lookups()).toBe(before.lookups);
    expect(org.dispatches()).toHaveLength(before.dispatches);
    if (delivery.posted) {
      expect(org.effectsOf(delivery.posted)).toEqual({ dispatches: 0, reactions: [], reply: "" });
    }
    expect(await cachedByDeliveries()).toEqual(before.cached);
    expect(await gate.current.isServing()).toBe(true);
  }
});

function unsignedHeaders(body: string, id: string): Record<string, string> {
  return deliveryHeaders("issue_comment", body, null, id);
}

function signed(event: string, payload: unknown): RawDelivery {
  const body = JSON.stringify(payload);
  return { body, headers: deliveryHeaders(event, body) };
}

/** A delivery of `event` padded to `size` bytes, signed with `secret`. */
function padded(event: string, size: number, secret: string): RawDelivery {
  const body = JSON.stringify({ action: "created", padding: "x".repeat(size) });
  return { body, headers: deliveryHeaders(event, body, secret) };
}
