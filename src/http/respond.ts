import type { IncomingMessage, ServerResponse } from "node:http";

/** True when the request is a GET (or HEAD) of exactly `path`, query string ignored. */
export function isGet(request: IncomingMessage, path: string): boolean {
  const method = request.method ?? "";
  const requestPath = (request.url ?? "").split("?")[0];
  return (method === "GET" || method === "HEAD") && requestPath === path;
}

/** Answers with a JSON body; never cached by a proxy. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
    .end(JSON.stringify(body));
}
