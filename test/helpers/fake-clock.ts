import { jest } from "@jest/globals";

/**
 * Fakes `Date` only, for a whole test file, so that TTLs can be crossed in an instant while SQLite,
 * nock and timers keep running on real time. The clock only ever moves forward: Octokit's
 * throttling schedules by `Date.now()` and would stall if it went back.
 */
export function useFakeClock(): { advance: (ms: number) => void } {
  beforeAll(() => {
    jest.useFakeTimers({
      doNotFake: [
        "setTimeout",
        "clearTimeout",
        "setInterval",
        "clearInterval",
        "setImmediate",
        "clearImmediate",
        "nextTick",
        "queueMicrotask",
        "hrtime",
        "performance",
      ],
    });
  });
  afterAll(() => jest.useRealTimers());
  return { advance: (ms) => jest.setSystemTime(Date.now() + ms) };
}
