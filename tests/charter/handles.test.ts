import { describe, expect, test } from '@jest/globals';
import { cachedLookup, handlesAt, isWellFormedHandle } from '../../src/charter/handles.js';

describe('isWellFormedHandle', () => {
  test.each([
    '@jdoe',
    '@J-Doe2',
    '@a',
    `@${'a'.repeat(39)}`,
    '@acme/data-science',
    '@acme/ds_team',
    '@acme-corp/platform.ops',
  ])('accepts %s', (handle) => {
    expect(isWellFormedHandle(handle)).toBe(true);
  });

  test.each([
    ['jdoe', 'no @'],
    ['@', 'nothing after @'],
    ['@-jdoe', 'a leading hyphen'],
    ['@jdoe-', 'a trailing hyphen'],
    ['@j--doe', 'a double hyphen'],
    [`@${'a'.repeat(40)}`, 'more than 39 characters'],
    ['@j_doe', 'an underscore in a login'],
    ['@acme/', 'an empty team'],
    ['@acme/-ds', 'a team starting with a hyphen'],
    ['@acme/ds/x', 'two slashes'],
    ['@@jdoe', 'two @'],
    ['@j doe', 'a space'],
    ['jdoe@example.com', 'an e-mail address'],
  ])('rejects %s (%s)', (handle) => {
    expect(isWellFormedHandle(handle)).toBe(false);
  });
});

test('handlesAt gives each handle with the YAML path it was written at', () => {
  expect(handlesAt('@a', ['charter', 'roles', 'product_owner'])).toEqual([
    { handle: '@a', path: ['charter', 'roles', 'product_owner'] },
  ]);
  expect(handlesAt(['@a', '@b'], ['x'])).toEqual([
    { handle: '@a', path: ['x', 0] },
    { handle: '@b', path: ['x', 1] },
  ]);
  expect(handlesAt(undefined, ['x'])).toEqual([]);
});

describe('cachedLookup', () => {
  test('asks once per handle, ignoring case, as GitHub does', async () => {
    const asked: string[] = [];
    const lookup = cachedLookup(async (handle) => {
      asked.push(handle);
      return 'found';
    });
    await Promise.all([lookup('@Acme/DS'), lookup('@acme/ds'), lookup('@jdoe')]);
    expect(asked).toEqual(['@Acme/DS', '@jdoe']);
  });

  test('turns a failed lookup into unknown, never into missing', async () => {
    const lookup = cachedLookup(async () => {
      throw new Error('rate limited');
    });
    await expect(lookup('@jdoe')).resolves.toBe('unknown');
  });
});
