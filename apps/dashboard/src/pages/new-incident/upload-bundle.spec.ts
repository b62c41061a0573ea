import { describe, expect, it } from 'vitest';
import { UploadError, readUploadResponse } from './upload-bundle';

describe(readUploadResponse.name, () => {
  it('should return the ids of a stored bundle', () => {
    expect(
      readUploadResponse(201, JSON.stringify({ bundleId: 'b', analysisId: 'a', duplicate: false })),
    ).toEqual({ bundleId: 'b', analysisId: 'a', duplicate: false });
    expect(readUploadResponse(200, JSON.stringify({ bundleId: 'b', duplicate: true }))).toEqual({
      bundleId: 'b',
      analysisId: null,
      duplicate: true,
    });
  });

  it('should throw the server message, or the status when the body is not JSON', () => {
    expect(() => readUploadResponse(413, '{"message":"bundle too large"}')).toThrow(
      'upload failed: bundle too large',
    );
    expect(() => readUploadResponse(502, '<html>')).toThrow(UploadError);
    expect(() => readUploadResponse(502, '<html>')).toThrow('HTTP 502');
  });
});
