import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXCEPTIONS_FILE, evaluate, parseAuditReport, parseExceptions } from "./audit.mjs";

// The audit gate's judgement on npm's report format (auditReportVersion 2), without the network.

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    "bad-lib": {
      name: "bad-lib",
      severity: "high",
      via: [
        {
          source: 1099001,
          name: "bad-lib",
          title: "Prototype pollution",
          url: "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
          severity: "high",
          range: "<2.0.1",
        },
      ],
      effects: ["wrapper"],
      range: "<2.0.1",
      fixAvailable: true,
    },
    wrapper: { name: "wrapper", severity: "high", via: ["bad-lib"], effects: [], range: "*", fixAvailable: true },
    "meh-lib": {
      name: "meh-lib",
      severity: "moderate",
      via: [
        {
          source: 1099002,
          name: "meh-lib",
          title: "ReDoS",
          url: "https://github.com/advisories/GHSA-dddd-eeee-ffff",
          severity: "moderate",
          range: "*",
        },
      ],
      effects: [],
      range: "*",
    },
    "worse-lib": {
      name: "worse-lib",
      severity: "critical",
      via: [
        {
          source: 1099003,
          name: "worse-lib",
          title: "RCE",
          url: "https://github.com/advisories/GHSA-gggg-hhhh-jjjj",
          severity: "critical",
          range: "<1",
        },
      ],
      effects: [],
      range: "<1",
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 2, critical: 1, total: 4 } },
};

describe("audit gate", () => {
  it("blocks every high and critical advisory without an exception, and ignores moderate ones", () => {
    const result = evaluate(parseAuditReport(JSON.stringify(report)), []);
    expect(result.blocking.map((a) => a.id).sort()).toEqual(["GHSA-aaaa-bbbb-cccc", "GHSA-gggg-hhhh-jjjj"]);
    expect(result.blocking.find((a) => a.id === "GHSA-aaaa-bbbb-cccc")?.affects).toEqual(["bad-lib", "wrapper"]);
  });

  it("lets an explained exception through and names exceptions that match nothing", () => {
    const exceptions = parseExceptions({
      exceptions: [
        {
          advisory: "GHSA-gggg-hhhh-jjjj",
          package: "worse-lib",
          reason: "only reachable from a build-time code path we never call",
        },
        { advisory: "GHSA-zzzz-zzzz-zzzz", package: "gone", reason: "was fixed upstream; kept here by mistake" },
      ],
    });
    const result = evaluate(report, exceptions);
    expect(result.blocking.map((a) => a.id)).toEqual(["GHSA-aaaa-bbbb-cccc"]);
    expect(result.allowed.map((a) => a.id)).toEqual(["GHSA-gggg-hhhh-jjjj"]);
    expect(result.stale.map((e) => e.advisory)).toEqual(["GHSA-zzzz-zzzz-zzzz"]);
  });

  it("refuses an exception without a real reason", () => {
    expect(() => parseExceptions({ exceptions: [{ advisory: "GHSA-gggg-hhhh-jjjj", reason: "ok" }] })).toThrow(
      /reason/,
    );
    expect(() => parseExceptions({})).toThrow(/exceptions/);
  });

  it("treats a registry error instead of a report as a failure, naming the HTTP status", () => {
    const refused = {
      message: "405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk",
      statusCode: 405,
    };
    expect(() => parseAuditReport(JSON.stringify(refused))).toThrow(
      /no audit report \(HTTP 405\).*405 Method Not Allowed/,
    );
    expect(() => parseAuditReport("npm ERR! network")).toThrow(/no JSON report/);
  });

  it("the repository's exceptions file is valid", () => {
    expect(() => parseExceptions(JSON.parse(readFileSync(EXCEPTIONS_FILE, "utf8")))).not.toThrow();
  });
});
