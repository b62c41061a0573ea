import type { RootCauseDetailQuery } from '../../gql/graphql';

export type RootCauseDetail = NonNullable<RootCauseDetailQuery['rootCause']>;
