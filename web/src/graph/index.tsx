// The graph components pages mount: ExecutionGraph (the execution page's Graph tab: the compiled
// workflow with live phases) and StaticGraph (a workflow page: the same drawing, no phases).
// Layout runs once per workflow, never per poll: a phase change re-renders nodes, not positions.
import { useMemo } from "preact/hooks";

import type { ExecutionId, NodeExecution, Workflow } from "../api";
import { GraphCanvas } from "./canvas";
import { allNodes, workflowGraph } from "./model";
import { place } from "./nested";
import { useNestedData } from "../nested-data";
import { nodeStatuses } from "./statuses";
import { Legend } from "./view";
import "./graph.css";

function usePlaced(workflow: Workflow | null) {
  return useMemo(() => {
    const graph = workflowGraph(workflow);
    return graph && { nodes: allNodes(graph), placed: place(graph) };
  }, [workflow]);
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
  return <GraphCanvas graph={laid.placed} statuses={null} live={null} label={props.label ?? "Workflow graph"} />;
}

export function ExecutionGraph(props: {
  id: ExecutionId;
  workflow: Workflow | null;
  nodes: NodeExecution[] | null;
  live: boolean;
  paused: boolean;
}) {
  const laid = usePlaced(props.workflow);
  const maps = useMemo(() => new Set(laid?.nodes.filter((n) => n.kind === "map").map((n) => n.key)), [laid]);
  const nested = useNestedData(
    props.id,
    props.nodes,
    (n) => maps.has(n.id.node_id),
    laid ? "graph" : "loading",
    props.live,
    props.paused,
  );
  const statuses = useMemo(
    () => nodeStatuses([...(props.nodes ?? []), ...nested.value.children], nested.value.attempts),
    [props.nodes, nested.value],
  );
  if (!laid) return <Empty workflow={props.workflow} />;
  return (
    <>
      <Legend>
        <li class="muted">{laid.nodes.length} nodes</li>
      </Legend>
      <GraphCanvas graph={laid.placed} statuses={statuses} live={props.live} label="Execution graph" />
    </>
  );
}
