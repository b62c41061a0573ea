import { describe, expect, it } from 'vitest';
import { createIncidentSchema, labelsSchema, updateIncidentSchema } from './incident.schemas.js';

describe('incident input schemas', () => {
  it('should fill defaults for a minimal incident', () => {
    expect(createIncidentSchema.parse({ title: '  resets  ' })).toEqual({
      title: 'resets',
      description: '',
      severity: 'MEDIUM',
      labels: {},
      occurredAt: null,
    });
  });

  it('should refuse empty titles, bad label keys and too many labels', () => {
    expect(createIncidentSchema.safeParse({ title: '   ' }).success).toBe(false);
    expect(labelsSchema.safeParse({ 'app.kubernetes.io/name': 'x', cluster: 'prod' }).success).toBe(
      true,
    );
    expect(labelsSchema.safeParse({ 'bad key': 'x' }).success).toBe(false);
    expect(labelsSchema.safeParse({ cluster: 7 }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(labelsSchema.safeParse(many).success).toBe(false);
  });

  it('should refuse an update that changes nothing', () => {
    expect(updateIncidentSchema.safeParse({}).success).toBe(false);
    expect(updateIncidentSchema.safeParse({ status: 'MITIGATED' }).success).toBe(true);
  });
});
