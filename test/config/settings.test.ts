import { DEFAULT_CACHE_URL, readSettings, SettingsError } from "../../src/config/settings.js";

describe("readSettings", () => {
  it("uses the documented defaults when nothing is set", () => {
    expect(readSettings({})).toEqual({
      cacheUrl: DEFAULT_CACHE_URL,
      memberTtlSeconds: 3600,
      nonMemberTtlSeconds: 300,
      lookupDeadlineMs: 3000,
      storeDeadlineMs: 1000,
      deliveryTtlSeconds: 86400,
      clusteredWrites: false,
    });
  });

  it("reads every variable it documents", () => {
    const settings = readSettings({
      CACHE_URL: "redis://127.0.0.1:6390",
      MEMBER_TTL: "60",
      NON_MEMBER_TTL: "30",
      LOOKUP_DEADLINE: "1500",
      STORE_DEADLINE: "200",
      DELIVERY_TTL: "600",
      REDIS_URL: "redis://127.0.0.1:6391",
    });

    expect(settings).toEqual({
      cacheUrl: "redis://127.0.0.1:6390",
      memberTtlSeconds: 60,
      nonMemberTtlSeconds: 30,
      lookupDeadlineMs: 1500,
      storeDeadlineMs: 200,
      deliveryTtlSeconds: 600,
      clusteredWrites: true,
    });
  });

  it.each([
    ["MEMBER_TTL", "-5", "whole number of seconds"],
    ["MEMBER_TTL", "1h", "whole number of seconds"],
    ["NON_MEMBER_TTL", "0", "from 1 to"],
    ["LOOKUP_DEADLINE", "60000", "from 100 to 9000"],
    ["DELIVERY_TTL", "30", "from 60 to 604800"],
    ["CACHE_URL", "postgres://db/gate", "sqlite://PATH or redis://HOST:PORT"],
  ])("stops at %s=%s and names the variable and the rule", (variable, value, rule) => {
    const read = () => readSettings({ [variable]: value });

    expect(read).toThrow(SettingsError);
    expect(read).toThrow(new RegExp(`^${variable}=.*${rule}`));
  });
});
