// The secrets the e2e run hands the servers, and a scan of their logs for them: the gateway key,
// the admin's and the fixtures' passwords, the OIDC client secret, the auth secret. A finding names
// the file, the line and which secret, with the secret itself masked.

export interface Secret {
  name: string;
  /** An exact string, or a pattern for a family of them (every fixture password). */
  match: string | RegExp;
}

export interface Finding {
  file: string;
  line: number;
  secret: string;
  /** The line with every secret masked, shortened. */
  excerpt: string;
}

function globalPattern(secret: Secret): RegExp {
  if (typeof secret.match !== "string") return new RegExp(secret.match.source, "g");
  return new RegExp(secret.match.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g");
}

export function scanText(file: string, text: string, secrets: Secret[]): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const hits = secrets.filter((s) => globalPattern(s).test(line));
    if (hits.length === 0) return;
    const masked = secrets.reduce((text, s) => text.replace(globalPattern(s), `«${s.name}»`), line);
    for (const hit of hits) findings.push({ file, line: i + 1, secret: hit.name, excerpt: masked.slice(0, 300) });
  });
  return findings;
}

export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.file}:${f.line}  ${f.secret}\n      ${f.excerpt}`).join("\n");
}
