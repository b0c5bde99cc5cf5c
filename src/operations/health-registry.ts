import { errorMessage } from '../common/errors/weft-error.js';
import { OperationsError } from './operations-error.js';

/** A part of the peer that can say whether it works (Fabric's healthz.HealthChecker). */
export interface HealthChecker {
  /** Resolves when healthy; rejects with the reason when not. */
  healthCheck(): Promise<void>;
}

/** What GET /healthz answers, in Fabric's JSON shape. */
export interface HealthStatus {
  status: 'OK' | 'Service Unavailable';
  time: string;
  failed_checks?: Array<{ component: string; reason: string }>;
}

/** The health checks of the peer's parts, by component name, run together on each request. */
export class HealthRegistry {
  private readonly checkers = new Map<string, HealthChecker>();

  register(component: string, checker: HealthChecker): void {
    if (this.checkers.has(component)) throw new OperationsError('DUPLICATE_HEALTH_CHECKER', `a health checker for ${component} is already registered`);
    this.checkers.set(component, checker);
  }

  async check(now: () => Date = () => new Date()): Promise<HealthStatus> {
    const failed: Array<{ component: string; reason: string }> = [];
    await Promise.all(
      [...this.checkers].map(async ([component, checker]) => {
        try {
          await checker.healthCheck();
        } catch (err) {
          failed.push({ component, reason: errorMessage(err) });
        }
      }),
    );
    const time = now().toISOString();
    if (failed.length === 0) return { status: 'OK', time };
    failed.sort((a, b) => a.component.localeCompare(b.component));
    return { status: 'Service Unavailable', time, failed_checks: failed };
  }
}
