/** A GitHub answer that is held until the test releases it, to stage a race. */
export function heldReply(status: number, body: unknown) {
  let release!: () => void;
  let arrived!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const requested = new Promise<void>((resolve) => (arrived = resolve));
  const reply = async (): Promise<[number, unknown]> => {
    arrived();
    await released;
    return [status, body];
  };
  return { reply, requested, release };
}
