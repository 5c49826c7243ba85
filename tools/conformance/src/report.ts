import { CheckFailure, CheckSkipped, type Exchange } from './http';

export type Outcome = 'pass' | 'fail' | 'skip';

/** One check of a scenario. */
export interface CheckResult {
  title: string;
  outcome: Outcome;
  /** Extension checks (not in the orcs contract): a broker need not pass them, but one that claims to must. */
  optional: boolean;
  /** What went wrong, why it was skipped, or a note on a pass. */
  detail?: string;
  exchange?: Exchange;
  ms: number;
  /** What the Site cannot do when this check fails (feeds the verdict). */
  consequence?: string;
}

export interface CheckSpec {
  optional?: boolean;
  consequence?: string;
}

/** A scenario's results: checks in order, plus the verdict once finished. */
export class Report {
  readonly checks: CheckResult[] = [];
  private readonly capabilities: string[] = [];

  constructor(readonly kind: 'dsb' | 'crb' | 'psb', readonly target: string) {}

  /**
   * Runs one check. `fn` resolves to a note (or nothing) to pass, throws `CheckFailure` (or anything) to fail and
   * `CheckSkipped` to skip. Answers `fn`'s value, or undefined when it did not pass.
   */
  async check<T>(title: string, spec: CheckSpec, fn: () => Promise<T>): Promise<T | undefined> {
    const started = Date.now();
    try {
      const value = await fn();
      this.checks.push({ title, outcome: 'pass', optional: !!spec.optional, ms: Date.now() - started, ...(typeof value === 'string' && value ? { detail: value } : {}) });
      return value;
    } catch (err) {
      const ms = Date.now() - started;
      if (err instanceof CheckSkipped) {
        this.checks.push({ title, outcome: 'skip', optional: !!spec.optional, detail: err.message, ms });
      } else {
        const e = err as Error;
        this.checks.push({
          title, outcome: 'fail', optional: !!spec.optional, ms, detail: e instanceof CheckFailure ? e.message : `${e?.message ?? err}`,
          ...(e instanceof CheckFailure && e.exchange ? { exchange: e.exchange } : {}),
          ...(spec.consequence ? { consequence: spec.consequence } : {}),
        });
      }
      return undefined;
    }
  }

  /** Records a check that cannot run. */
  skip(title: string, why: string, spec: CheckSpec = {}): void {
    this.checks.push({ title, outcome: 'skip', optional: !!spec.optional, detail: why, ms: 0 });
  }

  /** Notes something the Site will be able to do (for the verdict). */
  can(what: string): void { this.capabilities.push(what); }

  get failed(): CheckResult[] { return this.checks.filter((c) => c.outcome === 'fail'); }
  get passed(): boolean { return this.failed.length === 0; }
  count(o: Outcome): number { return this.checks.filter((c) => c.outcome === o).length; }

  /** "What the Site will do with this broker", from what passed and what failed. */
  verdict(): string[] {
    const lines: string[] = [];
    const broken = this.failed.filter((c) => !c.optional);
    const ext = this.failed.filter((c) => c.optional);
    if (broken.length === 0) {
      lines.push(`The Site can use this ${this.kind.toUpperCase()}${this.capabilities.length ? `: ${this.capabilities.join('; ')}` : ''}.`);
    } else {
      lines.push(`The Site cannot rely on this ${this.kind.toUpperCase()}:`);
      for (const c of dedupe(broken.map((b) => b.consequence ?? `"${b.title}" fails`))) lines.push(`  - ${c}`);
      if (this.capabilities.length) lines.push(`What works: ${this.capabilities.join('; ')}.`);
    }
    if (ext.length) {
      lines.push('Extensions it claims but gets wrong (the Site uses them when present):');
      for (const c of dedupe(ext.map((b) => b.consequence ?? `"${b.title}" fails`))) lines.push(`  - ${c}`);
    }
    return lines;
  }
}

function dedupe(xs: string[]): string[] { return [...new Set(xs)]; }

const MARK: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** The human report. */
export function formatHuman(r: Report): string {
  const out: string[] = [`ocopea-conformance ${r.kind} ${r.target}`, ''];
  for (const c of r.checks) {
    out.push(`  ${MARK[c.outcome]}  ${c.title}${c.optional ? ' (extension)' : ''}${c.outcome === 'pass' && c.detail ? ` — ${c.detail}` : ''}`);
    if (c.outcome === 'skip' && c.detail) out.push(`        skipped: ${c.detail}`);
    if (c.outcome === 'fail') {
      out.push(`        ${c.detail ?? ''}`);
      if (c.exchange) {
        const x = c.exchange;
        out.push(`        request: ${x.method} ${x.url}${x.requestBody ? `\n                 ${x.requestBody}` : ''}`);
        out.push(`        answer:  ${x.error ? x.error : `${x.status} ${x.responseBody ?? ''}`}`);
      }
    }
  }
  out.push('', `${r.count('pass')} passed, ${r.count('fail')} failed, ${r.count('skip')} skipped`, '', ...r.verdict(), '');
  return out.join('\n');
}

const xml = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!)
  // eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry these
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML, one testcase per check (skips as <skipped/>, failures with the request and the answer). */
export function formatJunit(r: Report): string {
  const name = `${r.kind} ${r.target}`;
  const cases = r.checks.map((c) => {
    const head = `    <testcase classname="ocopea-conformance.${r.kind}" name="${xml(c.title)}" time="${(c.ms / 1000).toFixed(3)}"`;
    if (c.outcome === 'pass') return `${head}/>`;
    if (c.outcome === 'skip') return `${head}>\n      <skipped message="${xml(c.detail ?? '')}"/>\n    </testcase>`;
    const x = c.exchange;
    const body = x ? `request: ${x.method} ${x.url}\n${x.requestBody ?? ''}\nanswer: ${x.error ?? `${x.status} ${x.responseBody ?? ''}`}` : '';
    return `${head}>\n      <failure message="${xml(c.detail ?? '')}">${xml(body)}</failure>\n    </testcase>`;
  });
  const secs = (r.checks.reduce((s, c) => s + c.ms, 0) / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xml(name)}" tests="${r.checks.length}" failures="${r.count('fail')}" skipped="${r.count('skip')}" time="${secs}">\n${cases.join('\n')}\n    <system-out>${xml(r.verdict().join('\n'))}</system-out>\n  </testsuite>\n</testsuites>\n`;
}
