// The fault-injection hook for slot moves (EDGESLOT_TEST_FAULTS only): the step runner stops as if the
// coordinator crashed at a chosen point, so tests can restart or fail real members there and watch the
// move roll forward.
import type { ScalingStore, SlotMember, StepPhase } from "./steps";

/** Where the runner stops: just before the nth call of a member method (1-based), or just after a
 * phase is stored (`phase:frozen` …). */
export interface StepFault {
  readonly at: `phase:${StepPhase}` | keyof SlotMember;
  readonly nth?: number;
  /** Export chunk size while armed, so a test can make a copy take several chunks. */
  readonly exportBytes?: number;
}

const METHODS = ["slotsFreeze", "slotsExport", "slotsImport", "slotsClearImport", "slotsCommit", "slotsDrop", "slotsState"] as const satisfies readonly (keyof SlotMember)[];

export class StepFaults {
  private armed: (StepFault & { seen: number }) | null = null;
  /** How many armed faults have fired since the object started. */
  fired = 0;

  constructor(private readonly enabled: boolean) {}

  arm(fault: StepFault | null): void {
    if (!this.enabled) throw new Error("ERR fault injection is off (EDGESLOT_TEST_FAULTS is not set)");
    this.armed = fault ? { ...fault, seen: 0 } : null;
  }

  get exportBytes(): number | undefined {
    return this.armed?.exportBytes;
  }

  /** `member` with every call passing the trip wire first (unchanged while nothing is armed). */
  member(member: SlotMember): SlotMember {
    if (!this.armed) return member;
    const wrapped = {} as Record<string, unknown>;
    for (const method of METHODS) {
      wrapped[method] = (...args: unknown[]) => {
        this.trip(method);
        return (member[method] as (...a: unknown[]) => unknown)(...args);
      };
    }
    return wrapped as unknown as SlotMember;
  }

  store(store: ScalingStore): ScalingStore {
    if (!this.armed) return store;
    return {
      ...store,
      setStep: async (step) => {
        await store.setStep(step);
        if (step) this.trip(`phase:${step.phase}`);
      },
    };
  }

  private trip(point: string): void {
    const armed = this.armed;
    if (!armed || armed.at !== point || ++armed.seen < (armed.nth ?? 1)) return;
    this.armed = null;
    this.fired++;
    throw new Error(`test fault: the coordinator stops at ${point}`);
  }
}
