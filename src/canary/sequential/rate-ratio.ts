/**
 * A confidence sequence for θ, how many times more often an event (an error, a timeout, a slow
 * answer) happens per canary request than per baseline request, valid however often it is
 * looked at. Conditioned on an event happening while the canary takes a share w of the traffic,
 * it came from the canary with probability θw / (θw + 1 − w) (Lindon, Sanden & Shirikian 2022
 * condition count processes the same way). Events are kept as counts per traffic share, so a
 * rollout of a few steps is a few numbers however long it runs. The mixture over log θ is a
 * discretised normal prior; ℓ is concave in log θ, so the sequence is an interval.
 */
import { logSumExp, mixtureInterval, type SequenceInterval } from './confidence-sequence.js';

const GRID_LOW = -4;
const GRID_HIGH = 4;
const GRID_STEP = 0.02;

export class RateRatioSequence {
  /** Per distinct traffic share: the share, and the canary's and the baseline's events. */
  private readonly shares: number[] = [];
  private readonly canaryEvents: number[] = [];
  private readonly baselineEvents: number[] = [];
  private readonly grid: Float64Array;
  private readonly logPrior: Float64Array;

  /** @param priorScale standard deviation of the normal prior on log θ. */
  constructor(priorScale = 0.5) {
    const points = Math.round((GRID_HIGH - GRID_LOW) / GRID_STEP) + 1;
    this.grid = new Float64Array(points);
    const logWeights = new Float64Array(points);
    for (let k = 0; k < points; k++) {
      const logTheta = GRID_LOW + k * GRID_STEP;
      this.grid[k] = logTheta;
      logWeights[k] = -(logTheta * logTheta) / (2 * priorScale * priorScale);
    }
    const normaliser = logSumExp(logWeights);
    this.logPrior = logWeights.map((weight) => weight - normaliser);
  }

  /** Events seen while the canary had `share` (0 < share < 1) of the requests. */
  add(share: number, canaryEvents: number, baselineEvents: number): void {
    if (!(share > 0 && share < 1)) return; // one variant alone says nothing about the ratio
    let index = this.shares.indexOf(share);
    if (index < 0) {
      index = this.shares.push(share) - 1;
      this.canaryEvents.push(0);
      this.baselineEvents.push(0);
    }
    this.canaryEvents[index] = (this.canaryEvents[index] as number) + canaryEvents;
    this.baselineEvents[index] = (this.baselineEvents[index] as number) + baselineEvents;
  }

  get events(): number {
    let total = 0;
    for (let index = 0; index < this.shares.length; index++) {
      total += (this.canaryEvents[index] as number) + (this.baselineEvents[index] as number);
    }
    return total;
  }

  /** ℓ(log θ), up to a constant that does not depend on θ. */
  private logLikelihood(logTheta: number): number {
    const theta = Math.exp(logTheta);
    let total = 0;
    for (let index = 0; index < this.shares.length; index++) {
      const share = this.shares[index] as number;
      const canary = this.canaryEvents[index] as number;
      const baseline = this.baselineEvents[index] as number;
      const denominator = Math.log(theta * share + 1 - share);
      total +=
        canary * (logTheta + Math.log(share) - denominator) + baseline * (Math.log(1 - share) - denominator);
    }
    return total;
  }

  /** The interval for θ (not log θ). */
  interval(alpha: number): SequenceInterval {
    const logPosterior = new Float64Array(this.grid.length);
    let best = 0;
    for (let k = 0; k < this.grid.length; k++) {
      logPosterior[k] = (this.logPrior[k] as number) + this.logLikelihood(this.grid[k] as number);
      if (
        (logPosterior[k] as number) - (this.logPrior[k] as number) >
        (logPosterior[best] as number) - (this.logPrior[best] as number)
      )
        best = k;
    }
    const logEvidence = logSumExp(logPosterior);
    const range = mixtureInterval(
      {
        logLikelihood: (logTheta) => this.logLikelihood(logTheta),
        peak: () => this.grid[best] as number,
        lower: GRID_LOW,
        upper: GRID_HIGH,
      },
      logEvidence,
      alpha,
    );
    return { low: Math.exp(range.low), high: Math.exp(range.high) };
  }
}
