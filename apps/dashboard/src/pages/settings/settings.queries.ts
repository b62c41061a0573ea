import { graphql } from '../../gql';

export const TEAM_SETTINGS = graphql(`
  query TeamSettings {
    teamMembers {
      id
      email
      name
      role
      createdAt
      lastLoginAt
      disabledAt
    }
    apiTokens {
      id
      name
      prefix
      role
      createdAt
      lastUsedAt
      expiresAt
      revokedAt
    }
  }
`);

export const CREATE_API_TOKEN = graphql(`
  mutation CreateApiTokenFromDashboard($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      secret
      token {
        id
        name
      }
    }
  }
`);

export const REVOKE_API_TOKEN = graphql(`
  mutation RevokeApiTokenFromDashboard($id: ID!) {
    revokeApiToken(id: $id) {
      id
      revokedAt
    }
  }
`);
