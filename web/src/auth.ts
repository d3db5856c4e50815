// The session's bearer token when the sandbox requires authentication. Kept in sessionStorage
// (this tab only, gone when it closes; never in a URL, a log or localStorage) and sent as
// `Authorization: Bearer` on every gateway call. A 401 raises `loginRequired`, and the app shows
// the login page in place of the page asked for, which it shows again once a token is in.
import { signal } from "@preact/signals";

const KEY = "flyte.console.token";

function stored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the token lives as long as the page
  }
}

let token: string | null = stored();

export const loginRequired = signal(false);

export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function loginNeeded(): void {
  token = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
  loginRequired.value = true;
}

export function setToken(value: string): void {
  token = value;
  try {
    sessionStorage.setItem(KEY, value);
  } catch {
    // kept in memory only
  }
  loginRequired.value = false;
}
