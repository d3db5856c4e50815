// Uploads for the launch form's files, folders and datasets, as flytekit uploads a local file
// for `pyflyte run --remote`: CreateUploadLocation (`POST dataproxy/artifact_urn`, FlyteConsole's
// route) signs a PUT into the project domain's uploads, then the bytes go to that signed URL, and
// the literal names the native URL the reply gives. The location is named by a random
// `filename_root` rather than the content's MD5, which WebCrypto does not compute.
import { ApiError, send } from "./api";
import { pathUnder } from "./same-origin";

interface UploadLocation {
  signed_url?: string;
  native_url?: string;
  headers?: Record<string, string>;
}

export interface UploadTarget {
  project: string;
  domain: string;
}

// One file to send, and its name under the upload's root ("a.txt", "sub/b.csv" in a folder).
export interface Upload {
  file: Blob;
  name: string;
}

function randomRoot(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function put(target: UploadTarget, root: string, upload: Upload): Promise<string> {
  const location = await send<UploadLocation>("POST", "dataproxy/artifact_urn", {
    project: target.project,
    domain: target.domain,
    filename: upload.name,
    filename_root: root,
  });
  // The sandbox signs its own /data/ URLs: sent from the page's origin, whatever host it names.
  const url = pathUnder(location.signed_url ?? "", "/data/");
  if (!url || !location.native_url) throw new Error("the sandbox gave no upload URL on its own origin");
  const response = await fetch(url, { method: "PUT", headers: location.headers ?? {}, body: upload.file });
  if (!response.ok) throw new ApiError(response.status, `upload of ${upload.name} refused: ${response.status}`);
  return location.native_url;
}

// Uploads one file (→ its native URL) or a folder's files (→ the folder's native URL).
export async function uploadFiles(target: UploadTarget, uploads: Upload[], folder: boolean): Promise<string> {
  if (uploads.length === 0) throw new Error("nothing to upload");
  const root = randomRoot();
  const urls: string[] = [];
  for (const upload of uploads) urls.push(await put(target, root, upload)); // one at a time: a sandbox is small
  if (!folder) return urls[0];
  const first = urls[0];
  return first.slice(0, first.length - uploads[0].name.length).replace(/\/$/, "");
}

// A folder picked in the browser (`webkitdirectory`): each file by its path below the folder.
export function folderUploads(files: File[]): Upload[] {
  return files.map((file) => ({ file, name: file.webkitRelativePath.split("/").slice(1).join("/") || file.name }));
}
