import { describe, expect, it } from 'vitest';
import { formatLabels, parseLabelFilter } from './label-filter';

describe(parseLabelFilter.name, () => {
  it('should read comma-separated key=value pairs and ignore blanks', () => {
    expect(parseLabelFilter(' cluster = prod ,, app.kubernetes.io/name=shop ')).toEqual({
      ok: true,
      labels: { cluster: 'prod', 'app.kubernetes.io/name': 'shop' },
    });
    expect(parseLabelFilter('')).toEqual({ ok: true, labels: {} });
  });

  it('should explain what is wrong with a pair', () => {
    expect(parseLabelFilter('cluster')).toEqual({ ok: false, error: '"cluster" is not key=value' });
    expect(parseLabelFilter('bad key=x').ok).toBe(false);
  });
});

describe(formatLabels.name, () => {
  it('should list labels as key=value and tolerate anything that is not a map', () => {
    expect(formatLabels({ cluster: 'prod', tier: 2 })).toEqual(['cluster=prod', 'tier=2']);
    expect(formatLabels(null)).toEqual([]);
  });
});
