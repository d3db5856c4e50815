// URLs the sandbox gives out absolute (`http://<client address>/logs/...`, signed
// `http://<address>/data/...`) made relative, so the page reads them from its own origin whatever
// host name the user opened the console with (and never reaches another).
export function pathUnder(uri: string, prefix: string): string | null {
  try {
    const url = new URL(uri, "http://origin.invalid");
    return url.pathname.startsWith(prefix) ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}
