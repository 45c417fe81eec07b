/**
 * The determinism check of the brief: run the same transaction on two fresh ledgers prepared the
 * same way and compare write sets and events byte for byte.
 */
import { canonicalJson } from '../../common/canonical-json';
import type { ContractHarness, FakeIdentity, InvokeOptions, TxOutcome } from './contract-harness';

/** Runs `setup` then the transaction on two fresh harnesses; returns both outcomes as canonical JSON. */
export async function runTwice(
  makeHarness: () => ContractHarness,
  setup: (h: ContractHarness) => Promise<void>,
  tx: {
    contract: string;
    fn: string;
    identity: FakeIdentity;
    args: readonly string[];
    options?: InvokeOptions;
  },
): Promise<[string, string, TxOutcome]> {
  const outcomes: TxOutcome[] = [];
  for (let i = 0; i < 2; i += 1) {
    const h = makeHarness();
    await setup(h);
    outcomes.push(
      await h.invoke(tx.contract, tx.fn, tx.identity, tx.args, { txId: 'fixed-tx', ...tx.options }),
    );
  }
  const [a, b] = outcomes;
  if (a === undefined || b === undefined) throw new Error('unreachable');
  const render = (o: TxOutcome): string =>
    canonicalJson({
      ok: o.ok,
      result: o.result ?? null,
      error: o.error ?? null,
      writeSet: o.writeSet,
      event: o.event ?? null,
    });
  return [render(a), render(b), a];
}
