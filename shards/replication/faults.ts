// The fault-injection hook failover tests drive: a shard object made to fail every call, hang every
// call, or forget its memory. Only a deployment that sets EDGESLOT_TEST_FAULTS=1 can turn it on.

/** `fail`: every call throws; `hang`: every call waits until the fault is cleared; `forget`: memory
 * is rebuilt from storage, as after a restart; `clear`: back to normal. */
export type FaultKind = "fail" | "hang" | "forget" | "clear";

export class TestFaults {
  private kind: "fail" | "hang" | null = null;
  private release: (() => void) | null = null;
  private released: Promise<void> = Promise.resolve();

  constructor(private readonly enabled: boolean) {}

  set(kind: FaultKind): void {
    if (!this.enabled) throw new Error("ERR fault injection is off (EDGESLOT_TEST_FAULTS is not set)");
    this.release?.();
    this.release = null;
    this.kind = kind === "fail" || kind === "hang" ? kind : null;
    if (kind === "hang") this.released = new Promise((resolve) => (this.release = resolve));
  }

  /** Null while no fault is set, so healthy calls do not pay an await. */
  gate(): Promise<void> | null {
    if (this.kind === null) return null;
    if (this.kind === "fail") return Promise.reject(new Error("test fault: this object fails every call"));
    return this.released.then(() => this.gate() ?? undefined);
  }
}
