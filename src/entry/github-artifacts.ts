import type { ArtifactStoreFactory } from '../platform/actions/index.js';
import { GithubArtifactStore } from '../platform/github/artifacts.js';

/**
 * Models stored as Actions artifacts. Imported only by the entry points of stages that store
 * or fetch models, so the other bundles stay free of the artifact client.
 */
export const githubArtifacts: ArtifactStoreFactory = ({ env, token, client, notice }) =>
  new GithubArtifactStore({ rest: client.rest.actions, env, token, notice });
