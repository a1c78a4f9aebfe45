import { pino } from "pino";

import type { GateStore } from "../src/cache/gate-store.js";
import { readSettings, type Settings } from "../src/config/settings.js";
import { buildServices, type Services } from "../src/services.js";

/** The app's default settings, with a store deadline that a loaded machine does not hit. */
export function benchSettings(cacheUrl = "bench"): Settings {
  return { ...readSettings({}), cacheUrl, storeDeadlineMs: 5000 };
}

/** The app's services over `store`, logging nothing. */
export function benchServices(store: GateStore, settings: Settings = benchSettings()): Services {
  return buildServices(settings, store, pino({ level: "silent" }));
}
