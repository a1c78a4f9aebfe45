import { pino } from "pino";

import type { Logger } from "probot";

/** A logger that prints nothing; tests assert behaviour, not log lines. */
export const silentLog: Logger = pino({ level: "silent" });
