import type { Fault } from './simulator-types.js';

interface ArmedFault {
  fault: Fault;
  /** Uses left; Infinity when the fault has no `times`. */
  remaining: number;
}

/** Injected faults, matched in the order they were added and counted down as they fire. */
export class FaultBook {
  private faults: ArmedFault[] = [];

  add(fault: Fault): void {
    if (!/^[A-Z]+ \//.test(fault.route)) {
      throw new Error(
        `injecting a fault: route must be '<METHOD> /template', e.g. 'GET /app'; got '${fault.route}'`,
      );
    }
    this.faults.push({ fault: { ...fault }, remaining: fault.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first live fault for this route and installation; using it counts it down. */
  take(routeKey: string, installationId: number | undefined): Fault | undefined {
    const armed = this.faults.find(
      ({ fault, remaining }) =>
        remaining > 0 &&
        fault.route === routeKey &&
        (fault.installationId === undefined || fault.installationId === installationId),
    );
    if (!armed) return undefined;

    armed.remaining -= 1;
    return armed.fault;
  }
}
