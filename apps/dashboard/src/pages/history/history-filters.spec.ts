import { describe, expect, it } from 'vitest';
import { humanize, readHistoryFilters, toIncidentFilter } from './history-filters';

describe(readHistoryFilters.name, () => {
  it('should read known values from the URL and drop unknown ones', () => {
    const filters = readHistoryFilters(
      new URLSearchParams('q=reset&status=OPEN&severity=SEVERE&rootCause=ct-x&labels=a%3Db'),
    );
    expect(filters).toEqual({
      search: 'reset',
      status: 'OPEN',
      severity: null,
      rootCause: 'ct-x',
      labels: 'a=b',
    });
  });
});

describe(toIncidentFilter.name, () => {
  it('should send only what is set, and no labels while they do not parse', () => {
    const base = { search: ' ', status: null, severity: 'HIGH', rootCause: null } as const;
    expect(toIncidentFilter({ ...base, labels: 'cluster' })).toEqual({ severities: ['HIGH'] });
    expect(toIncidentFilter({ ...base, labels: 'cluster=prod' })).toEqual({
      severities: ['HIGH'],
      labels: { cluster: 'prod' },
    });
  });
});

describe(humanize.name, () => {
  it('should title-case an enum value', () => {
    expect(humanize('MITIGATED')).toBe('Mitigated');
  });
});
