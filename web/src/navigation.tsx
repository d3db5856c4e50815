// Client-side navigation: the current route as a signal, links that push history entries
// instead of reloading, and Back/Forward.
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";

import { parseRoute, routeHref, type Route } from "./routes";

export const currentRoute = signal<Route>(parseRoute(location.pathname, location.search));

// `scroll` false keeps the reader's place: opening or closing a side panel is not a new page.
// `replace` changes the current history entry instead of adding one (a filter being typed).
export function navigate(href: string, scroll = true, replace = false): void {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  currentRoute.value = parseRoute(location.pathname, location.search);
  if (scroll) window.scrollTo(0, 0);
}

addEventListener("popstate", () => {
  currentRoute.value = parseRoute(location.pathname, location.search);
});

export function Link(props: {
  to: Route;
  children: ComponentChildren;
  class?: string;
  scroll?: boolean;
  current?: boolean;
}) {
  const href = routeHref(props.to);
  const onClick = (event: MouseEvent) => {
    // Let the browser handle new tabs and windows.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href, props.scroll ?? true);
  };
  return (
    <a href={href} class={props.class} onClick={onClick} aria-current={props.current ? "page" : undefined}>
      {props.children}
    </a>
  );
}
