/**
 * The benchmark's stand-in for AWS, in its own process: the bundled emulator plus a small IPC
 * channel to the benchmark for what its HTTP control API does one campaign at a time (creating
 * and re-arming tens of thousands of startable campaigns between runs).
 */
import { createEmulator, type CampaignStateWire } from '../src/emulator';
import { poolId, type EmulatorCommand, type EmulatorReply } from './protocol';

async function main(): Promise<void> {
  const send = (reply: EmulatorReply): void => {
    process.send?.(reply);
  };
  // The call log only needs exact counts (kept beyond the cap); a small cap keeps memory flat.
  const emulator = createEmulator({ seed: true, maxRecordedCalls: 1000 });
  const url = await emulator.start(0, '127.0.0.1');

  process.on('message', (command: EmulatorCommand) => {
    if (command.type !== 'pool') return;
    const previous: Partial<Record<CampaignStateWire, number>> = {};
    for (let i = 0; i < command.count; i++) {
      const id = poolId(command.prefix, i);
      const before = emulator.store.get(id)?.state;
      if (before !== undefined) previous[before as CampaignStateWire] = (previous[before as CampaignStateWire] ?? 0) + 1;
      // put() inserts or merges: it creates the pool and puts every member back in `state`.
      if (before !== command.state) emulator.store.put({ id, state: command.state });
    }
    send({ type: 'done', id: command.id, previous });
  });
  process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));
  send({ type: 'ready', url });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench emulator failed: ${String(err)}\n`);
  process.exit(1);
});
