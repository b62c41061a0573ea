import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { hasProgram } from '../../shell/run-command.js';
import { makeLabCertificate } from './close-race-lab-programs.js';

const canRun = requirement(
  'openssl (the TLS lab makes its certificate with it)',
  hasProgram('openssl'),
);

describe.skipIf(!canRun)('lab TLS certificate', () => {
  it('makes a PEM certificate and key outside any bundle and removes them', () => {
    const certificate = makeLabCertificate('postgres-0.postgres');
    try {
      expect(readFileSync(certificate.certFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(readFileSync(certificate.keyFile, 'utf8')).toMatch(/-----BEGIN PRIVATE KEY-----/);
    } finally {
      certificate.remove();
    }
    expect(existsSync(certificate.certFile)).toBe(false);
  });
});
