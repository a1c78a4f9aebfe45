import { createHmac } from "node:crypto";

/** `sha256=` HMAC of the raw body, as GitHub sends it in `x-hub-signature-256`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}
