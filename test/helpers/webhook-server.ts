import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Probot } from "probot";

import { signature } from "./signature.js";
import { TEST_WEBHOOK_SECRET } from "./test-app.js";
import { webhookFixture } from "./webhook-delivery.js";

/** Probot's own webhook middleware on a loopback port, as `npm start` serves it. */
export async function webhookServer(probot: Probot) {
  const middleware = await probot.getNodeMiddleware();
  const server: Server = createServer((request, response) => {
    void middleware(request, response, () => response.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  /** POSTs the fixture signed like GitHub does; resolves with the HTTP status of the answer. */
  const post = async (fixture: string): Promise<number> => {
    const body = JSON.stringify(webhookFixture(fixture));
    const response = await fetch(`http://127.0.0.1:${port}${probot.webhookPath}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": fixture.split(".")[0] ?? fixture,
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": signature(body, TEST_WEBHOOK_SECRET),
      },
    });
    return response.status;
  };
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { post, close };
}
