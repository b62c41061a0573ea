export interface UploadResult {
  readonly bundleId: string;
  /** Null when the same bytes were already uploaded to this incident. */
  readonly analysisId: string | null;
  readonly duplicate: boolean;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Reads the API's answer to an upload: the ids on success, its message on failure. */
export function readUploadResponse(status: number, body: string): UploadResult {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Proxies answer errors in HTML; the status alone has to explain it.
  }
  if (status < 200 || status >= 300) {
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${status}`;
    throw new UploadError(`upload failed: ${message}`, status);
  }
  if (typeof parsed.bundleId !== 'string') {
    throw new UploadError('upload failed: the server did not name the bundle', status);
  }
  return {
    bundleId: parsed.bundleId,
    analysisId: typeof parsed.analysisId === 'string' ? parsed.analysisId : null,
    duplicate: parsed.duplicate === true,
  };
}

/**
 * Sends one bundle as multipart (field `file`). XHR rather than fetch: only XHR reports
 * upload progress. `onProgress` gets 0 to 1.
 */
export function uploadBundle(
  incidentId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/incidents/${encodeURIComponent(incidentId)}/bundles`);
    request.withCredentials = true;
    request.setRequestHeader('x-netmortem-csrf', '1');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      try {
        onProgress(1);
        resolve(readUploadResponse(request.status, request.responseText));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    request.onerror = () => reject(new UploadError('upload failed: network error', 0));
    request.onabort = () => reject(new UploadError('upload cancelled', 0));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
