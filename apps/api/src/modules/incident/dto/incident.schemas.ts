import { z } from 'zod';

/** Label keys follow Kubernetes' style; values are short free text. */
export const labelsSchema = z
  .record(
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/,
        'label keys: letters, digits, . _ / -, at most 63',
      ),
    z.string().max(253),
  )
  .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels');

const severity = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
const status = z.enum(['OPEN', 'MITIGATED', 'RESOLVED']);

export const createIncidentSchema = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(200),
  description: z
    .string()
    .max(20_000)
    .nullish()
    .transform((value) => value ?? ''),
  severity: severity.nullish().transform((value) => value ?? 'MEDIUM'),
  labels: labelsSchema.nullish().transform((value) => value ?? {}),
  occurredAt: z
    .date()
    .nullish()
    .transform((value) => value ?? null),
});

export const updateIncidentSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(20_000).optional(),
    severity: severity.optional(),
    status: status.optional(),
    labels: labelsSchema.optional(),
    occurredAt: z.date().nullable().optional(),
  })
  .refine(
    (changes) => Object.values(changes).some((value) => value !== undefined),
    'nothing to change',
  );

export const incidentFilterSchema = z
  .object({
    statuses: z.array(status).max(3).nullish(),
    severities: z.array(severity).max(4).nullish(),
    rootCause: z.string().max(100).nullish(),
    labels: labelsSchema.nullish(),
    occurredFrom: z.date().nullish(),
    occurredTo: z.date().nullish(),
    text: z.string().max(200).nullish(),
    search: z.string().max(200).nullish(),
  })
  .nullish();

export const timelineBucketSchema = z.enum(['day', 'week']);

export const commentBodySchema = z.string().trim().min(1, 'must not be empty').max(20_000);

export type CreateIncident = z.infer<typeof createIncidentSchema>;
export type UpdateIncident = z.infer<typeof updateIncidentSchema>;
export type IncidentFilterValues = NonNullable<z.infer<typeof incidentFilterSchema>>;
