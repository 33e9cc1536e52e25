// Types for scripts/audit.mjs (a plain Node script, so that `npm run test:audit` needs no build step).
export interface AuditVia {
  source?: number;
  name?: string;
  dependency?: string;
  title?: string;
  url?: string;
  severity?: string;
  range?: string;
}
export interface AuditReport {
  vulnerabilities: Record<
    string,
    {
      name: string;
      severity: string;
      via: Array<AuditVia | string>;
      effects?: string[];
      range?: string;
      fixAvailable?: unknown;
    }
  >;
  metadata: { vulnerabilities?: Record<string, number> };
}
export interface Advisory {
  id: string;
  title: string;
  url: string;
  severity: string;
  package: string;
  range: string;
  affects: string[];
  fixAvailable: unknown;
}
export interface AuditException {
  advisory: string;
  package?: string;
  reason: string;
  reviewed?: string;
}
export const EXCEPTIONS_FILE: string;
export const BLOCKING: Set<string>;
export function parseAuditReport(text: string): AuditReport;
export function advisories(report: AuditReport): Advisory[];
export function parseExceptions(value: unknown): AuditException[];
export function evaluate(
  report: AuditReport,
  exceptions: AuditException[],
): {
  all: Advisory[];
  blocking: Advisory[];
  allowed: Array<Advisory & { reason: string }>;
  stale: AuditException[];
  counts: Record<string, number>;
};
