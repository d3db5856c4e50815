// The graph components pages mount: ExecutionGraph (the execution page's Graph tab: the compiled
// workflow with live phases) and StaticGraph (a workflow page: the same drawing, no phases).
// The graph is built once per workflow (and again when a dynamic node has generated its workflow),
// laid out by the canvas once per graph and per collapse, never per poll: a phase change
// re-renders nodes, not positions.
import { useMemo } from "preact/hooks";

import type { CompiledClosure, ExecutionId, NodeExecution, Workflow } from "../api";
import { GraphCanvas } from "./canvas";
import { allNodes, workflowGraph } from "./model";
import { useNestedData } from "../nested-data";
import { nodeStatuses } from "./statuses";
import { Legend } from "./view";
import { navigate } from "../navigation";
import { routeHref } from "../routes";
import "./graph.css";

function usePlaced(workflow: Workflow | null, dynamic?: Map<string, CompiledClosure>) {
  return useMemo(() => {
    const graph = workflowGraph(workflow, dynamic);
    return graph && { graph, count: allNodes(graph).length };
  }, [workflow, dynamic]);
}

function Empty(props: { workflow: Workflow | null }) {
  return (
    <p class="muted">
      {props.workflow === null || !props.workflow.closure ? "Loading the workflow…" : "This workflow has no graph."}
    </p>
  );
}

export function StaticGraph(props: { workflow: Workflow | null; label?: string }) {
  const laid = usePlaced(props.workflow);
  if (!laid) return <Empty workflow={props.workflow} />;
  return <GraphCanvas graph={laid.graph} statuses={null} live={null} label={props.label ?? "Workflow graph"} />;
}

export function ExecutionGraph(props: {
  id: ExecutionId;
  workflow: Workflow | null;
  nodes: NodeExecution[] | null;
  live: boolean;
  paused: boolean;
  selected: string | undefined; // the node whose side panel is open
}) {
  const nested = useNestedData(props.id, props.nodes, {
    attemptsOf: (n) => !!n.metadata?.is_array, // map nodes: done/total from their items
    dynamic: true,
    scope: "graph",
    live: props.live,
    paused: props.paused,
  });
  const laid = usePlaced(props.workflow, nested.value.dynamic);
  const statuses = useMemo(
    () => nodeStatuses([...(props.nodes ?? []), ...nested.value.children], nested.value.attempts),
    [props.nodes, nested.value],
  );
  if (!laid) return <Empty workflow={props.workflow} />;
  return (
    <>
      <Legend>
        <li class="muted">{laid.count} nodes</li>
      </Legend>
      <GraphCanvas
        graph={laid.graph}
        statuses={statuses}
        live={props.live}
        label="Execution graph"
        selected={props.selected}
        onOpen={(node) => navigate(routeHref({ page: "execution", ...props.id, tab: "graph", node }), false)}
      />
    </>
  );
}
