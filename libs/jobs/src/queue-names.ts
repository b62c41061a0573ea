/**
 * Queue names are shared by producers and consumers across deployments: renaming one
 * strands the jobs already waiting under the old name.
 */
export const QueueName = {
  Analysis: 'analysis',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];
