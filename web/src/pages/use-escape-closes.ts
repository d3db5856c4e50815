// A side panel's Escape key: it goes back to `closeHref` (the page without the panel), unless
// something inside the panel already handled the key.
import { useEffect } from "preact/hooks";
import { navigate } from "../navigation";

export function useEscapeCloses(closeHref: string): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) navigate(closeHref, false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [closeHref]);
}
