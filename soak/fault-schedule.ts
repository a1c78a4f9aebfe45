import type { LookupLedger } from "./lookup-ledger.js";
import type { StoreFault } from "./store-fault.js";
import type { GitHubFault, SoakWorld } from "./world.js";

export type Phase = "calm" | "github_5xx" | "github_slow" | "rate_limit" | "store";

interface Slot {
  readonly phase: Phase;
  /** Seconds into a 60 s cycle; the schedule stretches with the cycle's length. */
  readonly from: number;
}

/** One cycle: every fault in turn, each followed by calm in which the app must recover. */
const CYCLE: readonly Slot[] = [
  { phase: "calm", from: 0 },
  { phase: "github_5xx", from: 10 },
  { phase: "calm", from: 18 },
  { phase: "github_slow", from: 24 },
  { phase: "calm", from: 32 },
  { phase: "rate_limit", from: 38 },
  { phase: "calm", from: 46 },
  { phase: "store", from: 50 },
  { phase: "calm", from: 58 },
];
const CYCLE_SECONDS = 60;

const GITHUB_FAULTS: Record<Phase, GitHubFault> = {
  calm: "none",
  github_5xx: "server_error",
  github_slow: "slow",
  rate_limit: "rate_limit",
  store: "none",
};

/** How often and how long each phase was in force. */
export interface PhaseTime {
  times: number;
  ms: number;
}

/** Switches the faults on and off as the run's clock goes; one switch at a time. */
export class FaultSchedule {
  #phase: Phase = "calm";
  #since = Date.now();
  #switching: Promise<void> = Promise.resolve();
  readonly spent = new Map<Phase, PhaseTime>();
  /** Store faults that could not be switched, with why. */
  readonly problems: string[] = [];

  constructor(
    private readonly world: SoakWorld,
    private readonly store: StoreFault,
    private readonly ledger: LookupLedger,
    private readonly cycleMs: number,
  ) {}

  get phase(): Phase {
    return this.#phase;
  }

  /** Moves to the phase due `elapsedMs` into the run; resolves once it is in force. */
  tick(elapsedMs: number): Promise<void> {
    const { phase, endsInMs } = this.#due(elapsedMs);
    if (phase === this.#phase) return this.#switching;
    this.#switching = this.#switching.then(() => this.#enter(phase, Date.now() + endsInMs));
    return this.#switching;
  }

  /** Ends whatever fault is in force. */
  stop(): Promise<void> {
    this.#switching = this.#switching.then(() =>
      this.#phase === "calm" ? this.#account() : this.#enter("calm", 0),
    );
    return this.#switching;
  }

  #due(elapsedMs: number): { phase: Phase; endsInMs: number } {
    const scale = this.cycleMs / (CYCLE_SECONDS * 1000);
    const into = (elapsedMs % this.cycleMs) / scale / 1000;
    const index = CYCLE.findLastIndex((slot) => slot.from <= into);
    const slot = CYCLE[Math.max(index, 0)] ?? { phase: "calm", from: 0 };
    const next = CYCLE[index + 1]?.from ?? CYCLE_SECONDS;
    return { phase: slot.phase, endsInMs: (next - into) * scale * 1000 };
  }

  async #enter(phase: Phase, endsAt: number): Promise<void> {
    if (phase === this.#phase) return;
    this.#account();
    if (this.#phase === "store") await this.#switchStore("end");
    this.world.rateLimitResetAt = endsAt;
    this.world.fault = GITHUB_FAULTS[phase];
    if (phase === "store") await this.#switchStore("begin");
    this.#phase = phase;
    this.#since = Date.now();
  }

  async #switchStore(step: "begin" | "end"): Promise<void> {
    try {
      if (step === "begin") {
        this.ledger.storeFaultStarted(this.store.clearsCache);
        await this.store.begin();
      } else {
        await this.store.end();
        this.ledger.storeFaultEnded();
      }
    } catch (error) {
      this.problems.push(`store fault ${step}: ${String(error)}`);
    }
  }

  #account(): void {
    const time = this.spent.get(this.#phase) ?? { times: 0, ms: 0 };
    time.times += 1;
    time.ms += Date.now() - this.#since;
    this.spent.set(this.#phase, time);
  }
}
