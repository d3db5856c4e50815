// The gates an execution waits on, under its header: each waiting node by id with what it
// needs and a link to its side panel, where it is approved or given its value (gate-controls.tsx).
import type { ExecutionId } from "../api";
import { gateNeeds, type WaitingGate } from "../gates";
import { Link } from "../navigation";
import { phaseInfo } from "../phase";
import type { TabName } from "../routes";

const ACTION = { approve: "Approve or reject…", signal: "Give the value…", sleep: "Details" };

export function WaitingGates(props: { id: ExecutionId; tab: TabName | undefined; gates: WaitingGate[] }) {
  if (props.gates.length === 0) return null;
  return (
    <ul class="banner banner-gate" id="waiting-gates" aria-label="Waiting gates">
      {props.gates.map(({ nodeId, gate, node }) => (
        <li key={nodeId} data-node={nodeId}>
          <span aria-hidden="true">{phaseInfo("PAUSED").symbol}</span> Node <strong>{nodeId}</strong> {gateNeeds(gate, node.closure.started_at)}.{" "}
          <Link to={{ page: "execution", ...props.id, tab: props.tab, node: nodeId }} scroll={false}>
            {ACTION[gate.kind]}
          </Link>
        </li>
      ))}
    </ul>
  );
}
