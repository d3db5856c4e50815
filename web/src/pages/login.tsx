// The login page, shown in place of any page when the gateway answers 401 (the sandbox requires
// authentication). Two ways in, as flytekit has: client id + secret exchanged at the sandbox's
// own token endpoint (client-credentials grant), or a static token pasted as is. The token is
// checked with one API call before it is kept (auth.ts); the page asked for then shows.
import { useSignal, type Signal } from "@preact/signals";

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

function TextField(props: { id: string; label: string; value: Signal<string>; secret?: boolean; autocomplete: string }) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        // Preact types an input's attributes by its `type`; both kinds take the same ones here.
        type={(props.secret ? "password" : "text") as "text"}
        autocomplete={props.autocomplete}
        value={props.value.value}
        onInput={(e) => (props.value.value = (e.target as HTMLInputElement).value)}
        required
      />
    </>
  );
}

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
        <TextField id="login-client-id" label="Client id" value={clientId} autocomplete="username" />
        <TextField id="login-secret" label="Client secret" value={secret} secret autocomplete="current-password" />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy.value}>
            Log in
          </button>
        </div>
      </form>
      <form aria-labelledby="login-token" onSubmit={(e) => login(e, async () => pasted.value.trim())}>
        <h2 id="login-token">Or a token</h2>
        <TextField id="login-static-token" label="Bearer token" value={pasted} secret autocomplete="off" />
        <div class="actions">
          <button type="submit" disabled={busy.value}>
            Use this token
          </button>
        </div>
      </form>
    </main>
  );
}
