import type { ArtifactStoreFactory } from '../platform/actions/index.js';
import type { ArtifactPort } from '../platform/ports.js';

/**
 * Models stored as Actions artifacts. Imported only by the entry points of stages that store
 * or fetch models, so the other bundles stay free of the artifact client; and loaded on first
 * use, because evaluating the client (Azure storage, protobuf) doubles an action's start-up
 * and a skipped build or a stage refused on its prerequisites never touches storage.
 */
export const githubArtifacts: ArtifactStoreFactory = ({ env, token, client, notice }) => {
  let store: Promise<ArtifactPort> | undefined;
  const load = () =>
    (store ??= import('../platform/github/artifacts.js').then(
      ({ GithubArtifactStore }) => new GithubArtifactStore({ rest: client.rest.actions, env, token, notice }),
    ));
  return {
    store: async (...args) => (await load()).store(...args),
    has: async (name) => (await load()).has(name),
    fetch: async (name, destination) => (await load()).fetch(name, destination),
    latestOnBranch: async (branch, options) => (await load()).latestOnBranch(branch, options),
  };
};
