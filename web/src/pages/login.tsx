// The login page, shown in place of any page when the gateway answers 401 (the sandbox requires
// authentication). Two ways in, as flytekit has: client id + secret exchanged at the sandbox's
// own token endpoint (client-credentials grant), or a static token pasted as is. The token is
// checked with one API call before it is kept (auth.ts); the page asked for then shows.
import { useSignal } from "@preact/signals";

import "../forms.css";

import { setToken } from "../auth";
import { ErrorBanner } from "../components";

const TOKEN_PATH = "/oauth2/token";

async function clientCredentialsToken(clientId: string, secret: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret });
  const response = await fetch(TOKEN_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body,
  });
  const reply = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (response.ok && reply.access_token) return reply.access_token;
  if (reply.error === "invalid_client") throw new Error("Refused: the client id or secret is wrong.");
  throw new Error(`Refused: ${reply.error_description || `${response.status} ${response.statusText}`}`);
}

async function checkToken(token: string): Promise<void> {
  const response = await fetch("/api/v1/projects?limit=1", {
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
  });
  if (response.status === 401) throw new Error("Refused: the sandbox does not accept this token.");
  if (!response.ok) throw new Error(`Could not check the token: ${response.status} ${response.statusText}`);
}

const value = (e: Event) => (e.target as HTMLInputElement).value;

export function LoginPage() {
  const clientId = useSignal("");
  const secret = useSignal("");
  const pasted = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const login = async (event: Event, token: () => Promise<string>) => {
    event.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      const t = await token();
      await checkToken(t);
      setToken(t);
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  };
  return (
    <main id="main" class="login">
      <h1>Log in</h1>
      <p>This sandbox requires authentication. The token is kept in this tab only, until it closes.</p>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      <form
        aria-labelledby="login-client"
        onSubmit={(e) => login(e, () => clientCredentialsToken(clientId.value.trim(), secret.value))}
      >
        <h2 id="login-client">Client id and secret</h2>
        <label for="login-client-id">Client id</label>
        <input
          id="login-client-id"
          autocomplete="username"
          value={clientId.value}
          onInput={(e) => (clientId.value = value(e))}
          required
        />
        <label for="login-secret">Client secret</label>
        <input
          id="login-secret"
          type="password"
          autocomplete="current-password"
          value={secret.value}
          onInput={(e) => (secret.value = value(e))}
          required
        />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            Log in
          </button>
        </div>
      </form>
      <form aria-labelledby="login-token" onSubmit={(e) => login(e, async () => pasted.value.trim())}>
        <h2 id="login-token">Or a token</h2>
        <label for="login-static-token">Bearer token</label>
        <input
          id="login-static-token"
          type="password"
          autocomplete="off"
          value={pasted.value}
          onInput={(e) => (pasted.value = value(e))}
          required
        />
        <div class="actions">
          <button type="submit" disabled={busy.value}>
            Use this token
          </button>
        </div>
      </form>
    </main>
  );
}
