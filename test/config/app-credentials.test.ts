import { githubApiUrl, readAppCredentials } from "../../src/config/app-credentials.js";
import { TEST_PRIVATE_KEY } from "../helpers/test-app.js";

describe("readAppCredentials", () => {
  it("returns nothing when neither APP_ID nor a key is set: the first start", () => {
    expect(readAppCredentials({})).toBeUndefined();
  });

  it("reads the id, the key and the GitHub Enterprise API root", () => {
    const env = { APP_ID: "123", PRIVATE_KEY: TEST_PRIVATE_KEY, GHE_HOST: "github.example.com" };

    expect(readAppCredentials(env)).toEqual({
      appId: 123,
      privateKey: TEST_PRIVATE_KEY,
      baseUrl: "https://github.example.com/api/v3",
    });
  });

  it("rejects an APP_ID that is not a number", () => {
    const env = { APP_ID: "member-gate", PRIVATE_KEY: TEST_PRIVATE_KEY };

    expect(() => readAppCredentials(env)).toThrow('APP_ID="member-gate" is invalid');
  });

  it("rejects an APP_ID without a key instead of opening the setup page", () => {
    expect(() => readAppCredentials({ APP_ID: "123" })).toThrow(
      "no private key was found; set PRIVATE_KEY or PRIVATE_KEY_PATH",
    );
  });

  it("names PRIVATE_KEY without showing its value when it is not a PEM key", () => {
    const attempt = () => readAppCredentials({ APP_ID: "123", PRIVATE_KEY: "secret-ish" });

    expect(attempt).toThrow('PRIVATE_KEY="(hidden)" is invalid');
    expect(attempt).not.toThrow("secret-ish");
  });

  it("names PRIVATE_KEY_PATH when the file does not exist", () => {
    const attempt = () => readAppCredentials({ APP_ID: "123", PRIVATE_KEY_PATH: "missing.pem" });

    expect(attempt).toThrow('PRIVATE_KEY_PATH="missing.pem" is invalid');
  });
});

describe("githubApiUrl", () => {
  it("is api.github.com without GHE_HOST", () => {
    expect(githubApiUrl({})).toBe("https://api.github.com");
  });

  it("follows GHE_PROTOCOL", () => {
    expect(githubApiUrl({ GHE_HOST: "127.0.0.1:8080", GHE_PROTOCOL: "http" })).toBe(
      "http://127.0.0.1:8080/api/v3",
    );
  });
});
