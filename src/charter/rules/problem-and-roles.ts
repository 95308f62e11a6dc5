import { cachedLookup, handlesAt, isWellFormedHandle } from '../handles.js';
import { findingCollector, type RuleFamily } from '../finding.js';

const REQUIRED_ROLES = [
  ['decision_maker', 'the business decision maker, who owns the problem and the budget'],
  ['product_owner', 'the product owner, who knows the business and the data'],
  ['ml_engineers', 'the data scientists or ML engineers who build the model'],
] as const;

const MONEY_PARTS = [
  ['amount', 'how much (e.g. 400000)'],
  ['currency', 'an ISO 4217 code (e.g. USD)'],
  ['period', 'day, week, month, quarter or year'],
] as const;

/**
 * Nobody should fund a model without a stated problem, an expected value and named owners. The
 * schema already demands most of this from YAML; these rules also guard configs built in code.
 */
export const problemAndRoles: RuleFamily = {
  id: 'charter',
  title: 'Problem, value and roles',
  async check({ loaded, resolveHandle }) {
    const { findings, report } = findingCollector(loaded);
    const charter = loaded.config.charter;
    if (typeof charter.business_problem !== 'string' || charter.business_problem.trim() === '') {
      report(
        'business-problem-missing',
        'error',
        'charter.business_problem is empty: state the business problem and what it costs today',
        ['charter', 'business_problem'],
      );
    }
    if (!charter.value) {
      report(
        'value-missing',
        'error',
        'the expected value is missing: add charter.value with amount, currency and period (e.g. 400000 USD per year)',
        ['charter'],
        'key',
      );
    } else {
      for (const [part, hint] of MONEY_PARTS) {
        if (charter.value[part] === undefined || charter.value[part] === '') {
          report(
            'value-missing',
            'error',
            `charter.value.${part} is missing: give ${hint}`,
            ['charter', 'value'],
            'key',
          );
        }
      }
    }
    for (const [role, who] of REQUIRED_ROLES) {
      const value = charter.roles?.[role];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) {
        report(
          'role-missing',
          'error',
          `charter.roles.${role} is missing: name ${who} as a GitHub handle ("@user" or "@org/team")`,
          charter.roles ? ['charter', 'roles'] : ['charter'],
          'key',
        );
      }
    }

    const handles = [
      ...Object.entries(charter.roles ?? {}).flatMap(([role, value]) =>
        handlesAt(value as string | string[] | undefined, ['charter', 'roles', role]),
      ),
      ...(charter.data?.sources ?? []).flatMap((source, index) =>
        handlesAt(source.owner, ['charter', 'data', 'sources', index, 'owner']),
      ),
    ];
    const lookup = resolveHandle ? cachedLookup(resolveHandle) : undefined;
    // Lookups are independent network calls: ask them together, report in file order.
    const answers = await Promise.all(
      handles.map(({ handle }) =>
        isWellFormedHandle(handle) && lookup ? lookup(handle) : Promise.resolve(undefined),
      ),
    );
    handles.forEach(({ handle, path }, index) => {
      if (!isWellFormedHandle(handle)) {
        report(
          'handle-malformed',
          'error',
          `"${handle}" is not a GitHub handle: write "@user" or "@org/team" (letters, digits and single hyphens)`,
          path,
        );
      } else if (answers[index] === 'missing') {
        report(
          'handle-not-found',
          'warning',
          `${handle} is not a user or team GitHub knows (or this token can see): check the spelling, or grant the token read access to the organisation's members`,
          path,
        );
      }
    });
    return findings;
  },
};
