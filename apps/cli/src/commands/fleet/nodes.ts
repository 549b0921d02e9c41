import { type Nodes, nodesSchema } from '../../api/console-schemas';
import { formatBytes, formatProgress, formatTime, orDash } from '../../io/format';
import { renderTable } from '../../io/table';
import { type CommandContext } from '../command-context';
import { printJson } from './output';

export function renderNodes(view: Nodes): string {
  const parts: string[] = [];
  if (view.nodes.length === 0) parts.push('No copy node has reported yet: the disk-prep agent registers its node when it starts.\n');
  for (const node of view.nodes) {
    parts.push(
      `${node.nodeName}  agent ${orDash(node.agentVersion)}  last heartbeat ${formatTime(node.lastHeartbeatAt)}${node.silent ? '  SILENT (no heartbeat for 2 minutes: is the agent running?)' : ''}\n`,
    );
    parts.push(
      renderTable(
        ['BAY', 'SLOT', 'DRIVE', 'STATE', 'JOB', 'PROGRESS', 'TO DO'],
        node.bays.map((bay) => [
          orDash(bay.label),
          bay.slot,
          orDash(bay.drive?.serialNumber),
          orDash(bay.drive?.state),
          orDash(bay.drive?.importJobName),
          bay.drive ? formatProgress(bay.drive.bytesWritten, bay.drive.bytesPlanned) : '-',
          bay.instruction.text,
        ]),
      ),
    );
    parts.push('\n');
  }
  parts.push(
    view.nextInsert
      ? `Next blank drive: for ${view.nextInsert.importJobName}, which still needs ${formatBytes(view.nextInsert.bytesNeedingDrives)} of drive space.\n`
      : 'No job is waiting for drive space.\n',
  );
  return parts.join('');
}

/** `seedship nodes`: copy nodes and their bays, and what the technician should do at each. */
export async function listNodes(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const { value, raw } = await context.console().get('/api/nodes', nodesSchema, '');
  if (options.json) return printJson(context, raw);
  context.stdout.write(renderNodes(value));
  return 0;
}
