import { finder, type Finding, type RuleFamily } from '../finding.js';

/** A GitHub user (`@name`) or team (`@org/team`), by GitHub's naming rules. */
const HANDLE = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[A-Za-z0-9._-]+)?$/;

const REQUIRED_ROLES = [
  ['decision_maker', 'the business decision maker, who owns the problem and the budget'],
  ['product_owner', 'the product owner, who knows the business and the data'],
  ['ml_engineers', 'the data scientists or ML engineers who build the model'],
] as const;

export const charterBasics: RuleFamily = {
  id: 'charter',
  title: 'Problem, value and roles',
  async check({ loaded, resolveHandle }) {
    const findings: Finding[] = [];
    const at = finder(loaded, findings);
    const charter = loaded.config.charter;
    if (!charter.value) {
      at(
        'value-missing',
        'error',
        'the expected value is missing: add charter.value with amount, currency and period (e.g. 400000 USD per year)',
        ['charter'],
        'key',
      );
    }
    for (const [role, who] of REQUIRED_ROLES) {
      if (!charter.roles?.[role]) {
        at(
          'role-missing',
          'error',
          `charter.roles.${role} is missing: name ${who} (a GitHub handle)`,
          charter.roles ? ['charter', 'roles'] : ['charter'],
          'key',
        );
      }
    }
    for (const [role, value] of Object.entries(charter.roles ?? {})) {
      const handles = Array.isArray(value) ? value : [value];
      for (const [index, handle] of handles.entries()) {
        const path = Array.isArray(value) ? ['charter', 'roles', role, index] : ['charter', 'roles', role];
        if (!HANDLE.test(handle)) {
          at(
            'handle-malformed',
            'error',
            `"${handle}" is not a GitHub handle: write "@user" or "@org/team"`,
            path,
          );
        } else if (resolveHandle && (await resolveHandle(handle)) === 'missing') {
          at(
            'handle-unknown',
            'warning',
            `${handle} is not a user or team this token can see on GitHub: check the spelling`,
            path,
          );
        }
      }
    }
    for (const [index, source] of (charter.data?.sources ?? []).entries()) {
      if (source.owner && !HANDLE.test(source.owner)) {
        at(
          'handle-malformed',
          'error',
          `"${source.owner}" is not a GitHub handle: write "@user" or "@org/team"`,
          ['charter', 'data', 'sources', index, 'owner'],
        );
      }
    }
    return findings;
  },
};
