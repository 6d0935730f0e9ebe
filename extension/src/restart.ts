// restart.ts: when to restart a crashed server. Each crash waits twice as
// long as the one before (1 s, 2 s, 4 s ... capped at 30 s); a server that
// crashes maxCrashes times within window is given up on until the user
// restarts it. A run longer than the window forgives earlier crashes.
// Pure: the caller passes the clock.

export interface RestartDecision {
    /** Restart after this many ms; undefined when giving up. */
    delayMs: number | undefined;
    /** Crashes counted in the current window, this one included. */
    crashes: number;
}

export class RestartPolicy {
    private crashTimes: number[] = [];

    constructor(
        private readonly maxCrashes = 5,
        private readonly windowMs = 180_000,
        private readonly baseMs = 1_000,
        private readonly capMs = 30_000,
    ) {}

    /** Records a crash at now (ms) and decides what to do. */
    crashed(now: number): RestartDecision {
        this.crashTimes = this.crashTimes.filter((t) => now - t < this.windowMs);
        this.crashTimes.push(now);
        const crashes = this.crashTimes.length;
        if (crashes >= this.maxCrashes) {
            return { delayMs: undefined, crashes };
        }
        return { delayMs: Math.min(this.capMs, this.baseMs * 2 ** (crashes - 1)), crashes };
    }

    /** Forgets every crash: the user restarted the server by hand. */
    reset(): void {
        this.crashTimes = [];
    }
}
