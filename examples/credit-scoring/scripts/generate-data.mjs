// Generates the example's data, deterministically (seeded), byte for byte the same on every
// machine:
//
//   data/customers.csv  one row per customer: demographics, contract, payment method, credit limit
//   data/sales.csv      their invoices of the last twelve months, and how many days late each was paid
//   data/credit.csv     the modelling table: customers ⋈ invoice history (lib/features.mjs), plus
//                       the label bad_payer: an invoice issued after the snapshot was still unpaid
//                       90 days after its due date
//   data/holdout.csv    the last 1,000 customers, labelled and never trained on: deploy-test replays them
//   data/sample.csv     the first 200 of those without the label: the smoke-test input for predict
//
// Why 22,000 customers: train.mjs evaluates on about 13,600 of them, so that the fairness
// report's intervals are narrow enough to judge the credit team's tolerances on the smallest
// intersectional groups (women aged 18-25, or 60+: about 1 customer in 10). With fewer, the
// report can only say "inconclusive".
//
// Two biases are built in on purpose, both of a kind real credit data carries:
//   - label bias by age: collections granted payment plans to established customers more
//     readily, so for the same behaviour 18-25 year olds crossed 90 days (and got labelled bad
//     payers) more often;
//   - feature bias by gender: the old manual limit policy gave women about 12% lower credit
//     limits at equal risk, and a low limit reads as risk to the model.
// The model never reads gender or age_band, yet tenure, employment (retired) and credit limit
// carry them: the fairness report has something to say.
//
//   node scripts/generate-data.mjs [--out data] [--customers 22000] [--seed 20261125]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCsv } from '../lib/csv.mjs';
import {
  CATEGORICAL_FEATURES,
  ID_COLUMN,
  INVOICE_FEATURES,
  joinCustomersWithSales,
  LABEL_COLUMN,
  NUMERIC_FEATURES,
  SENSITIVE_ATTRIBUTES,
} from '../lib/features.mjs';
import { createRandom } from '../lib/random.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'data' },
    customers: { type: 'string', default: '22000' },
    seed: { type: 'string', default: '20261125' },
  },
});
const HOLDOUT = 1000;
const SAMPLE = 200;
const count = Number(values.customers);
if (!Number.isInteger(count) || count <= HOLDOUT) {
  console.error(`--customers must be an integer above ${HOLDOUT}`);
  process.exit(2);
}
const random = createRandom(Number(values.seed));

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const AGE_BANDS = ['18-25', '26-40', '41-60', '60+'];
// The company has sold on credit for 20 years: nobody's tenure is longer, whatever their age.
const MAX_TENURE_MONTHS = { '18-25': 72, '26-40': 180, '41-60': 240, '60+': 240 };

/** One customer and the latent payment risk that drives their behaviour (never written out). */
function simulateCustomer(id) {
  const gender = random.pick(['F', 'M'], [0.48, 0.52]);
  const ageBand = random.pick(AGE_BANDS, [0.22, 0.28, 0.28, 0.22]);
  const region = random.pick(['north', 'south', 'east', 'west'], [0.3, 0.25, 0.25, 0.2]);
  const employment = random.pick(
    ['employed', 'self-employed', 'unemployed', 'retired'],
    ageBand === '60+' ? [0.3, 0.15, 0.05, 0.5] : [0.68, 0.2, 0.1, 0.02],
  );
  // Behaviour, not demographics, drives risk; income stability shifts it (retired customers live
  // on fixed pensions), and being young adds a little (thin files, less slack).
  const risk =
    random.normal() +
    { employed: 0, 'self-employed': 0.25, unemployed: 0.8, retired: 0.15 }[employment] +
    (region === 'south' ? 0.15 : 0) +
    (ageBand === '18-25' ? 0.05 : 0);
  // Reliable payers choose direct debit more often.
  const paymentMethod = random.pick(
    ['direct-debit', 'transfer', 'card'],
    [sigmoid(-0.9 * risk) * 0.7, 0.3, 0.2],
  );
  const maxTenure = MAX_TENURE_MONTHS[ageBand];
  const tenure = Math.round(
    clamp(maxTenure * random.next() ** (1 + 0.15 * clamp(risk, -2, 2)), 1, maxTenure),
  );
  const genderPolicy = gender === 'F' ? 0.88 : 1; // the historical limit bias, see the top
  const creditLimit =
    Math.round(clamp(Math.exp(8.3 + 0.45 * random.normal() - 0.4 * risk) * genderPolicy, 300, 60000) / 50) *
    50;
  return {
    risk,
    customer: {
      customer_id: `C${String(id).padStart(6, '0')}`,
      gender,
      age_band: ageBand,
      region,
      employment,
      payment_method: paymentMethod,
      tenure_months: tenure,
      credit_limit: creditLimit,
    },
  };
}

// The twelve months before the snapshot (2026-10-31), oldest first.
const MONTHS = Array.from({ length: 12 }, (_, i) => {
  const month = 10 + i; // November 2025 is the 11th month of 2025
  return `${2025 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
});
let invoiceNumber = 0;
/** Their invoices of the last twelve months: risky customers pay late more often, and later. */
function simulateInvoices(customer, risk) {
  const invoices = [];
  const count = 1 + random.poisson(2.4);
  const typical = customer.credit_limit * (0.05 + 0.07 * random.next());
  const lateChance = sigmoid(-1.1 + 3 * risk);
  for (let n = 0; n < count; n++) {
    // Spread over the year in order: invoice n falls in the n-th of `count` equal slices of it.
    const month = Math.floor((12 * (n + random.next())) / count);
    const late = random.next() < lateChance;
    invoices.push({
      invoice_id: `I${String(++invoiceNumber).padStart(7, '0')}`,
      customer_id: customer.customer_id,
      issued: MONTHS[month],
      amount: clamp(typical * Math.exp(0.35 * random.normal()), 10, 50000).toFixed(2),
      days_late: late ? Math.round(clamp(Math.exp(2.3 + risk + 0.3 * random.normal()), 1, 180)) : 0,
    });
  }
  return invoices;
}

/** The outcome after the snapshot. The age term is the label bias described at the top. */
function simulateLabel(customer, risk) {
  const logit = -2 + 3.2 * risk + (customer.age_band === '18-25' ? 0.4 : 0);
  return random.next() < sigmoid(logit) ? 1 : 0;
}

const customers = [];
const invoices = [];
const labels = [];
for (let id = 1; id <= count; id++) {
  const { customer, risk } = simulateCustomer(id);
  customers.push(customer);
  invoices.push(...simulateInvoices(customer, risk));
  labels.push(simulateLabel(customer, risk));
}

const table = joinCustomersWithSales(customers, invoices).map((row, i) => ({
  ...row,
  [LABEL_COLUMN]: labels[i],
}));
const columns = [
  ID_COLUMN,
  ...SENSITIVE_ATTRIBUTES,
  ...CATEGORICAL_FEATURES,
  ...NUMERIC_FEATURES.map((f) => f.name).filter((name) => !INVOICE_FEATURES.includes(name)),
  ...INVOICE_FEATURES,
];
mkdirSync(values.out, { recursive: true });
writeCsv(path.join(values.out, 'customers.csv'), Object.keys(customers[0]), customers);
writeCsv(path.join(values.out, 'sales.csv'), Object.keys(invoices[0]), invoices);
// The last customers are the holdout: deploy-test scores them through the endpoint as production would.
writeCsv(path.join(values.out, 'credit.csv'), [...columns, LABEL_COLUMN], table.slice(0, -HOLDOUT));
writeCsv(path.join(values.out, 'holdout.csv'), [...columns, LABEL_COLUMN], table.slice(-HOLDOUT));
writeCsv(path.join(values.out, 'sample.csv'), columns, table.slice(-HOLDOUT, -HOLDOUT + SAMPLE));
console.error(`wrote ${customers.length} customers and ${invoices.length} invoices to ${values.out}/`);
