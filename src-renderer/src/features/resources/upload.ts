// A file from this computer sent to serve's upload routes (image load, volume backup upload) with
// XMLHttpRequest: unlike fetch it reports upload progress, and abort() cancels. The session cookie
// authenticates it (same origin). The server answers JSON: the result, or the contract's error shape.
import type { ShownError } from './errors';

export interface Upload<T> {
  done: Promise<T>;
  cancel(): void;
}

export class UploadError extends Error {
  constructor(readonly shown: ShownError) {
    super(shown.message);
  }
}

export function uploadFile<T>(method: 'POST' | 'PUT', url: string, file: Blob, onProgress: (sent: number, total: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open(method, url);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: said below */
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body as T);
      const err = (body ?? {}) as { message?: string; hint?: string; field?: string };
      reject(new UploadError({ message: err.message ?? `The server answered ${xhr.status} ${xhr.statusText}`.trim(), hint: err.hint, field: err.field }));
    };
    xhr.onerror = () => reject(new UploadError({ message: 'The upload failed: the connection to the server was lost.' }));
    xhr.onabort = () => reject(new UploadError({ message: 'Upload cancelled; nothing was kept.' }));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}

let limit: Promise<number | null> | null = null;

/** The server's upload limit in bytes (null when it cannot be read; the server still checks). */
export function uploadLimit(): Promise<number | null> {
  limit ??= fetch('/api/upload-limit', { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<{ bytes: number }>) : null))
    .then((j) => (j && typeof j.bytes === 'number' ? j.bytes : null))
    .catch(() => null);
  return limit;
}

/** A refusal in words when `size` is over the server's limit, else null. */
export async function tooLargeForServer(size: number, formatBytes: (n: number) => string): Promise<string | null> {
  const max = await uploadLimit();
  return max !== null && size > max ? `This file is ${formatBytes(size)}; this server accepts uploads of at most ${formatBytes(max)} (wakedock serve --upload-limit).` : null;
}
