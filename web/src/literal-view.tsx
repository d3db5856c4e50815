// A literal on screen: a leaf as its text (URIs in full, selectable), a list or map as its
// one-line form that expands into one row per item; a note (file format, union variant,
// "msgpack", an offloaded literal's size) beside it. Nested levels start folded beyond the first.
import { literalNode, type Literal, type LiteralMap, type ValueNode } from "./literals";
import { orderedEntries } from "./order";

function Note(props: { node: ValueNode }) {
  const { kind, note } = props.node;
  const shown = kind === "file" || kind === "directory" || kind === "dataset" || kind === "error" ? kind : "";
  const text = [shown, note].filter(Boolean).join(", ");
  return text ? <span class="lit-note"> ({text})</span> : null;
}

function Value(props: { node: ValueNode; depth: number }) {
  const { node, depth } = props;
  if (!node.children || node.children.length === 0) {
    return (
      <span class={`lit lit-${node.kind}`} data-kind={node.kind}>
        <code>{node.text}</code>
        <Note node={node} />
      </span>
    );
  }
  return (
    <details class={`lit lit-${node.kind}`} data-kind={node.kind} open={depth === 0}>
      <summary>
        <code class="lit-line">{node.text}</code>
        <span class="lit-size">
          {node.kind === "list" ? "list" : "map"} of {node.children.length}
        </span>
        <Note node={node} />
      </summary>
      <dl class="lit-items">
        {node.children.map((c) => (
          <div key={c.key} data-key={c.key}>
            <dt>{node.kind === "list" ? `[${c.key}]` : c.key}</dt>
            <dd>
              <Value node={c.node} depth={depth + 1} />
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function LiteralValue(props: { literal: Literal }) {
  return <Value node={literalNode(props.literal)} depth={0} />;
}

// A literal map (a node's or an execution's inputs or outputs) as a table: the names `order`
// declares first, in its order, then the rest by name (order.ts).
export function LiteralTable(props: { values: LiteralMap | undefined; empty: string; class?: string; order?: string[] }) {
  const entries = orderedEntries(props.values?.literals, props.order);
  if (entries.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table class={`grid ${props.class ?? ""}`}>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name} data-name={name}>
            <th scope="row">{name}</th>
            <td>
              <LiteralValue literal={value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
