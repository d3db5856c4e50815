// What a task runs, from its template: type, image, command line, resources, retries, timeout
// and cache settings.
import type { Resources, TaskTemplate } from "../api";

function resourceText(list: Resources["requests"]): string {
  return (list ?? []).map((r) => `${(r.name ?? "").toLowerCase()} ${r.value ?? ""}`).join(", ");
}

export function TaskTemplateFacts(props: { template: TaskTemplate }) {
  const { type, container, metadata } = props.template;
  const command = [...(container?.command ?? []), ...(container?.args ?? [])];
  const requests = resourceText(container?.resources?.requests);
  const limits = resourceText(container?.resources?.limits);
  const facts: [string, string][] = [
    ["Type", type ?? ""],
    ["Image", container?.image ?? ""],
    ["Requests", requests],
    ["Limits", limits],
    ["Retries", String(metadata?.retries?.retries ?? 0)],
    ["Timeout", metadata?.timeout && metadata.timeout !== "0s" ? metadata.timeout : ""],
    ["Cache", metadata?.discoverable ? `on, version ${metadata.cache_version || "—"}` : "off"],
  ];
  return (
    <dl class="template" id="task-template">
      {facts
        .filter(([, value]) => value !== "")
        .map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      {command.length > 0 && (
        <div>
          <dt>Command</dt>
          <dd>
            <code class="command">{command.join(" ")}</code>
          </dd>
        </div>
      )}
    </dl>
  );
}
