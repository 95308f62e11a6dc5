// What the model may read, and how the modelling table is built from the source tables.
// The nightly batch and the generator both join customers with their invoices here, so the
// features a model is trained on are computed exactly as the ones it is scored on.

export const ID_COLUMN = 'customer_id';
export const LABEL_COLUMN = 'bad_payer';

// Money and days late are long-tailed: log1p keeps a few large accounts from dominating the
// standardised scale.
export const NUMERIC_FEATURES = [
  { name: 'tenure_months', transform: 'identity' },
  { name: 'credit_limit', transform: 'log1p' },
  { name: 'invoices_per_year', transform: 'identity' },
  { name: 'avg_invoice', transform: 'log1p' },
  { name: 'late_ratio', transform: 'identity' },
  { name: 'avg_days_late', transform: 'log1p' },
  { name: 'max_days_late', transform: 'log1p' },
];
export const CATEGORICAL_FEATURES = ['employment', 'region', 'payment_method'];

// Kept in the data for the fairness report, never read by the model (ECOA restricts deciding on
// them). They still correlate with features: age with tenure, gender with credit limit.
export const SENSITIVE_ATTRIBUTES = ['gender', 'age_band'];

export const INVOICE_FEATURES = [
  'invoices_per_year',
  'avg_invoice',
  'late_ratio',
  'avg_days_late',
  'max_days_late',
];

/** A customer's payment history, from their invoices of the last twelve months. */
export function invoiceFeatures(invoices) {
  const n = invoices.length;
  if (n === 0)
    return { invoices_per_year: 0, avg_invoice: 0, late_ratio: 0, avg_days_late: 0, max_days_late: 0 };
  let amount = 0;
  let late = 0;
  let daysLate = 0;
  let maxDaysLate = 0;
  for (const invoice of invoices) {
    const days = Number(invoice.days_late);
    amount += Number(invoice.amount);
    late += days > 0 ? 1 : 0;
    daysLate += days;
    maxDaysLate = Math.max(maxDaysLate, days);
  }
  return {
    invoices_per_year: n,
    avg_invoice: (amount / n).toFixed(2),
    late_ratio: (late / n).toFixed(3),
    avg_days_late: (daysLate / n).toFixed(1),
    max_days_late: maxDaysLate,
  };
}

/** customers ⋈ aggregated invoices, one row per customer, in the customers' order. */
export function joinCustomersWithSales(customers, invoices) {
  const byCustomer = new Map();
  for (const invoice of invoices) {
    const list = byCustomer.get(invoice[ID_COLUMN]);
    if (list) list.push(invoice);
    else byCustomer.set(invoice[ID_COLUMN], [invoice]);
  }
  return customers.map((customer) => ({
    ...customer,
    ...invoiceFeatures(byCustomer.get(customer[ID_COLUMN]) ?? []),
  }));
}
