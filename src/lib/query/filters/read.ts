/** Reading one URL's filter values: each bad value is reported (short, safe) and ignored. */
const MAX_TEXT = 300;
const MAX_LIST = 50;
const MAX_AMOUNT = 1e15;

/** Short, safe echo of a bad value for the message. */
export function echo(name: string, v: string): string {
  return `${name}=${v.length > 20 ? `${v.slice(0, 20)}…` : v}`;
}

export function isIsoDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export class UrlReader {
  readonly invalid: string[] = [];
  constructor(readonly params: URLSearchParams) {}

  get(name: string): string | null {
    return this.params.get(name);
  }
  all(name: string): string[] {
    return this.params.getAll(name);
  }
  bad(message: string): void {
    this.invalid.push(message);
  }

  /** One text value (trimmed), or null when absent, too long or refused by `ok`. */
  text(name: string, ok: (v: string) => boolean = () => true): string | null {
    const v = this.params.get(name)?.trim();
    if (!v) return null;
    if (v.length > MAX_TEXT || !ok(v)) {
      this.bad(echo(name, v));
      return null;
    }
    return v;
  }

  /** Distinct values, sorted (equal filters give equal URLs), at most MAX_LIST. */
  list(name: string): string[] {
    const all = [...new Set(this.params.getAll(name).map((v) => v.trim()))].filter(Boolean);
    const good = all.filter((v) => v.length <= MAX_TEXT);
    for (const v of all) if (v.length > MAX_TEXT) this.bad(echo(name, v));
    if (good.length > MAX_LIST) this.bad(`${name}: more than ${MAX_LIST} values`);
    return good.slice(0, MAX_LIST).sort();
  }

  /** An amount in baht (digits, up to two decimals, thousands commas allowed). */
  amount(name: string): number | null {
    const raw = this.params.get(name);
    const v = raw?.trim().replace(/,/g, '');
    if (!v) return null;
    const n = Number(v);
    if (!/^\d+(\.\d{1,2})?$/.test(v) || n > MAX_AMOUNT) {
      this.bad(echo(name, raw!));
      return null;
    }
    return n;
  }

  /** One of a few words; absent gives the default. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.params.get(name);
    if (v === null) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.bad(echo(name, v));
    return fallback;
  }
}
