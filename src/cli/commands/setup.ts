/** Placeholder until the interactive wizard lands (issue 4): points to the non-interactive path. */
import { KsError } from '../../errors';
import type { CliIo } from '../io';
import { Out } from '../output';

export async function setupCommand(_opts: { home?: string; dryRun?: boolean; savePlan?: string }, io: CliIo): Promise<number> {
  return new Out(io).fail(new KsError('USAGE', 'the interactive wizard is not available in this build', { hint: 'Use: wso2-keystore apply --plan FILE [HOME] --dry-run' }));
}

export async function menuCommand(io: CliIo): Promise<number> {
  return setupCommand({}, io);
}
