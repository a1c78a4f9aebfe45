import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { healthEndpoints } from "../../src/http/health.js";
import { FaultyStore } from "../helpers/faulty-store.js";
import { openSqlite, tempSqliteUrl } from "../helpers/gate-fixture.js";

describe("health endpoints", () => {
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: FaultyStore;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = new FaultyStore(await openSqlite(sqlite.url));
    const endpoints = healthEndpoints(store);
    server = createServer((request, response) => {
      void endpoints(request, response).then((handled) => handled || response.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    sqlite.remove();
  });

  it("answers /readyz with 503 and the store's reason when the store cannot be read", async () => {
    store.failing.add("read");

    const response = await fetch(`${url}/readyz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "unavailable",
      reason: "cache store read failed: SQLITE_READONLY (test)",
    });
  });

  it("answers /healthz with 200 even while the store is down", async () => {
    store.failing.add("read");

    const response = await fetch(`${url}/healthz`);

    expect(response.status).toBe(200);
  });

  it("answers /readyz with 200 again once the store answers", async () => {
    store.failing.add("read");
    await fetch(`${url}/readyz`);
    store.failing.delete("read");

    const response = await fetch(`${url}/readyz?probe=1`);

    expect(response.status).toBe(200);
  });

  it("leaves other paths and methods to the next handler", async () => {
    const post = await fetch(`${url}/healthz`, { method: "POST" });
    const other = await fetch(`${url}/healthz/extra`);

    expect(post.status).toBe(404);
    expect(other.status).toBe(404);
  });
});
