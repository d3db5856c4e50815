// A node's deck (flytekit's `enable_deck=True`): the Deck button asks for a signed link to it
// (CreateDownloadLink, FlyteConsole's call) and shows it in a dialog, in an iframe sandboxed
// without allow-same-origin, or opens it in a new tab. The deck is HTML the user's code wrote: it
// runs scripts, so it must never run as the console (which could then read the session's token
// and call the API): the iframe's sandbox gives it an opaque origin, and the server sends every
// /data/ file under a CSP sandbox too (no requests, no forms), so opened in a tab it is just as
// confined. See web/README.md ("Decks").
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";

import { api, type ExecutionId } from "../api";
import { ErrorBanner } from "../components";
import { pathUnder } from "../same-origin";

// What the deck may do in its frame: its own scripts, popups (links it opens, outside the
// sandbox), downloads. Not allow-same-origin, forms, modals or navigating the console.
const SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads";

export function NodeDeck(props: { id: ExecutionId; nodeId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const src = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const open = async () => {
    busy.value = true;
    error.value = null;
    try {
      const link = await api.deckLink(props.id, props.nodeId);
      const path = pathUnder(link.pre_signed_urls?.signed_url?.[0] ?? "", "/data/");
      if (!path) throw new Error("the sandbox gave no link to it");
      src.value = path; // signed for a while: asked for again at every opening
      dialog.current?.showModal();
    } catch (e) {
      error.value = `Could not open the deck: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  const close = () => dialog.current?.close();
  return (
    <section aria-labelledby="deck-heading">
      <h3 id="deck-heading">Deck</h3>
      <div class="actions">
        <button type="button" disabled={busy.value} onClick={open}>
          Show deck
        </button>
      </div>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      <dialog
        ref={dialog}
        class="deck"
        aria-labelledby="deck-title"
        onKeyDown={(e) => {
          // Esc closes the dialog only, not the panel under it.
          if (e.key === "Escape") {
            e.preventDefault();
            close();
          }
        }}
      >
        <div class="panel-head">
          <h2 id="deck-title">Deck of node {props.nodeId}</h2>
          {src.value && (
            <a href={src.value} target="_blank" rel="noopener noreferrer">
              Open in a new tab
            </a>
          )}
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
        {src.value && <iframe title={`Deck of node ${props.nodeId}`} src={src.value} sandbox={SANDBOX} />}
      </dialog>
    </section>
  );
}
