/**
 * The floor: the least any implementation must do per admitted command. It verifies the
 * signature, parses the delivery, and makes the two GitHub writes (dispatch, reaction) to the same
 * stub, with no framework and no gate. Run as a child process: `node floor-server.js PORT STUB SECRET`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { Agent, createServer, request, type IncomingMessage } from "node:http";

const [port = "0", stub = "", secret = ""] = process.argv.slice(2);
const stubUrl = new URL(stub);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function verified(body: Buffer, signature: string | undefined): boolean {
  const expected = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  return (
    signature !== undefined &&
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

function post(path: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: stubUrl.hostname,
        port: stubUrl.port,
        method: "POST",
        path: `${stubUrl.pathname.replace(/\/$/, "")}${path}`,
        headers: {
          authorization: "token floor",
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

interface CommentDelivery {
  repository: { name: string; owner: { login: string } };
  comment: { id: number; body: string };
}

async function admit(delivery: CommentDelivery): Promise<void> {
  const repo = `/repos/${delivery.repository.owner.login}/${delivery.repository.name}`;
  await post(`${repo}/dispatches`, { event_type: "deploy-command", client_payload: {} });
  await post(`${repo}/issues/comments/${delivery.comment.id}/reactions`, { content: "rocket" });
}

const server = createServer((req, res) => {
  readBody(req)
    .then(async (body) => {
      if (!verified(body, req.headers["x-hub-signature-256"] as string | undefined)) {
        res.writeHead(401).end();
        return;
      }
      await admit(JSON.parse(body.toString("utf8")) as CommentDelivery);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    })
    .catch(() => res.writeHead(500).end());
});

server.listen(Number(port), "127.0.0.1", () => {
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  console.log(`Listening on http://127.0.0.1:${bound}`);
});
