/**
 * What the integrity flags F2, F3 and F7 (docs/flags.md) must find in generated data, at their
 * default thresholds and over all fiscal years, decided while the data is generated. These
 * rules compare an agency with itself, so a project's flag depends on rows generated before and
 * after it; the generator makes two passes over the same random streams:
 *
 * - pass 1 (nothing written) finds, for each agency, the one winner that could hold half of its
 *   contract value (a weighted majority vote, constant memory per agency), and the same-day
 *   groups of small contracts of one agency and winner that together pass the limit (F3 with
 *   `f3_days=0`: a map of one fiscal year's groups at a time, about 40 bytes per small contract);
 * - pass 2 (the one that writes) counts that winner's value and projects per agency, the projects
 *   in the split groups, and each agency's budgets just under and just over the limit (F2).
 *
 * Agencies and winners are numbered as the ingest tells them apart: an agency by name, sub-unit
 * and province; a winner by its intact tax id, or by its name where the id is broken or masked.
 */

const LIMIT = 500_000_00; // satang
const DAY_MS = 86_400_000;
/** Contract days are counted from here; the generated years span ~4,400 days, under 2^13. */
const DAY0 = Date.UTC(2014, 0, 1) / DAY_MS;
const DAY_BITS = 8192;

export interface FirstPass {
  /** Per agency: the only winner that can hold more than half of its contract value. */
  majority: Int32Array;
  /** Keys (agency, winner, day) of the same-day groups of small contracts over the limit. */
  splitGroups: Set<number>;
}

export interface FlagCounts {
  /** Projects F2 flags: budget in [450,000, 500,000) in an agency with ≥ 3 such, ≥ 2× [500,000, 550,000). */
  F2: number;
  /** Projects F3 flags (planted splits and the groups chance made), sorted. */
  F3: string[];
  /** Projects F7 flags: won (in part) by a winner holding ≥ 50% of an agency with ≥ 10 contracts. */
  F7: number;
}

export class FlagTally {
  private readonly nWinners: number;
  private readonly weight: Float64Array;
  private readonly candidate: Int32Array;
  private readonly groups = new Map<number, number>();
  private readonly splitGroups = new Set<number>();
  // Pass 2.
  private readonly total: Float64Array;
  private readonly contracts: Int32Array;
  private readonly majoritySum: Float64Array;
  private readonly majorityProjects: Int32Array;
  private readonly below: Int32Array;
  private readonly above: Int32Array;
  private readonly f3: string[] = [];
  private project = { agency: -1, id: '', majority: false, split: false };

  constructor(
    nAgencies: number,
    nWinners: number,
    private readonly first: FirstPass | null,
  ) {
    this.nWinners = nWinners;
    this.weight = new Float64Array(nAgencies);
    this.candidate = new Int32Array(nAgencies).fill(-1);
    this.total = new Float64Array(nAgencies);
    this.contracts = new Int32Array(nAgencies);
    this.majoritySum = new Float64Array(nAgencies);
    this.majorityProjects = new Int32Array(nAgencies);
    this.below = new Int32Array(nAgencies);
    this.above = new Int32Array(nAgencies);
  }

  startProject(agency: number, id: string, budget: number): void {
    this.project = { agency, id, majority: false, split: false };
    if (budget >= 450_000_00 && budget < LIMIT) this.below[agency]!++;
    else if (budget >= LIMIT && budget < 550_000_00) this.above[agency]!++;
  }

  contract(winner: number, signed: Date, value: number): void {
    const a = this.project.agency;
    const day = Math.floor(signed.getTime() / DAY_MS) - DAY0;
    const key = (a * this.nWinners + winner) * DAY_BITS + day;
    if (!this.first) {
      // Weighted majority vote: a winner with more than half the value is the last candidate.
      if (this.candidate[a] === winner) this.weight[a]! += value;
      else if (value <= this.weight[a]!) this.weight[a]! -= value;
      else {
        this.candidate[a] = winner;
        this.weight[a] = value - this.weight[a]!;
      }
      if (value < LIMIT) this.groups.set(key, (this.groups.get(key) ?? 0) + value);
      return;
    }
    this.total[a]! += value;
    this.contracts[a]!++;
    if (this.first.majority[a] === winner) {
      this.majoritySum[a]! += value;
      this.project.majority = true;
    }
    if (value < LIMIT && this.first.splitGroups.has(key)) this.project.split = true;
  }

  endProject(): void {
    if (this.project.majority) this.majorityProjects[this.project.agency]!++;
    if (this.project.split) this.f3.push(this.project.id);
  }

  /** Pass 1: groups of days before `before` are complete (no later year signs on them). */
  endYear(before: Date | null): void {
    const limitDay = before ? Math.floor(before.getTime() / DAY_MS) - DAY0 : Infinity;
    for (const [key, sum] of this.groups) {
      if (key % DAY_BITS >= limitDay) continue;
      if (sum > LIMIT) this.splitGroups.add(key);
      this.groups.delete(key);
    }
  }

  firstPass(): FirstPass {
    this.endYear(null);
    return { majority: this.candidate, splitGroups: this.splitGroups };
  }

  counts(): FlagCounts {
    let f2 = 0;
    let f7 = 0;
    for (let a = 0; a < this.total.length; a++) {
      const n = this.below[a]!;
      if (n >= 3 && n >= 2 * this.above[a]!) f2 += n;
      if (this.contracts[a]! >= 10 && this.majoritySum[a]! * 2 >= this.total[a]!)
        f7 += this.majorityProjects[a]!;
    }
    return { F2: f2, F3: [...this.f3].sort(), F7: f7 };
  }
}
