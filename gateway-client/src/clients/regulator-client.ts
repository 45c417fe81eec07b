/**
 * The regulator's read-only client: a bus's carbon intensity at a slot, the provenance of a result
 * down to the anchored slave block, the providers' records, the blacklist, the governance state,
 * and {@link RegulatorClient.verifyAnchor}, which fetches a slave block from a peer and checks it
 * against the master anchor itself (header hash recomputed locally, chain link to the block before).
 */
import { common } from '@hyperledger/fabric-protos';
import type { Network } from '@hyperledger/fabric-gateway';
import type {
  BusIntensityRecord,
  CarbonFlowRecord,
  GovernanceState,
  ProviderRecord,
  VerificationBlock,
} from '@carbontrace/chaincode';
import type { ContractClient } from '../sdk/contract-client';
import { isContractError } from '../sdk/client-errors';
import { parseGatewayError } from '../sdk/error-parser';
import type { SlaveBlockHeader } from '../sdk/anchor-entry';
import { anchorEntryOf } from '../sdk/anchor-entry';
import { anyJson, arrayOf, asObject, booleanField, recordWith, stringField } from './result-decoders';

/** Reads a block's header from a peer of the channel. */
export type BlockReader = (channel: string, blockNumber: number) => Promise<SlaveBlockHeader>;

/** The outcome of {@link RegulatorClient.verifyAnchor}. */
export interface AnchorVerification {
  readonly channel: string;
  readonly blockNumber: number;
  /** Header hash recomputed here from the block fetched from the peer. */
  readonly computedHeaderHash: string;
  /** Header hash recorded on master, or null when the block is not anchored. */
  readonly anchoredHeaderHash: string | null;
  /** The master contract's own verdict (`Anchor:VerifySlaveBlock`). */
  readonly contractSaysValid: boolean;
  /** The block's previous hash equals the anchored hash of the block before (true for block 0). */
  readonly chainLinkValid: boolean;
  /** All three checks hold. */
  readonly valid: boolean;
  /** Human-readable reason. */
  readonly reason: string;
}

/** A provider's record as the regulator sees it. */
export type ProviderView = ProviderRecord & { readonly blacklisted: boolean };

/** Operations of the regulator (all read-only). */
export interface RegulatorClient {
  /** A bus's carbon intensity at a slot. @throws {@link ContractError} NOT_FOUND when not traced. */
  busIntensity(channel: string, slot: number, busId: number): Promise<BusIntensityRecord>;
  /** Every recorded bus intensity of a slot. */
  slotIntensities(channel: string, slot: number): Promise<BusIntensityRecord[]>;
  /** Provenance of a task's result: carbon flow → arbitration → condition a → anchored package and block. */
  provenance(taskId: string): Promise<unknown>;
  /**
   * GridCo's recorded carbon flow of a task (per-bus, per-unit rates: `Trace:GetCarbonFlow`).
   * @throws {@link ContractError} NOT_FOUND when not recorded.
   */
  carbonFlow(taskId: string): Promise<CarbonFlowRecord>;
  /** One provider's record. @throws {@link ContractError} NOT_FOUND. */
  provider(providerId: string): Promise<ProviderView>;
  /** Every provider. */
  providers(): Promise<ProviderView[]>;
  /** The blacklist of the current cycle. */
  blacklist(): Promise<unknown>;
  /** The EA-DPoS governance state, or null before it is initialized. */
  governance(): Promise<GovernanceState | null>;
  /**
   * Fetches slave block `blockNumber` of `channel` from a peer and verifies it against its anchor.
   * @throws {@link TransportError} when the peer cannot serve the block.
   */
  verifyAnchor(channel: string, blockNumber: number): Promise<AnchorVerification>;
}

/** Options of {@link newRegulatorClient}. */
export interface RegulatorClientOptions {
  /** carbon-master `Audit`. */
  readonly audit: ContractClient;
  /** carbon-master `Providers`. */
  readonly providers: ContractClient;
  /** carbon-master `Governance`. */
  readonly governance: ContractClient;
  /** carbon-master `Anchor`. */
  readonly anchor: ContractClient;
  /** carbon-master `Trace` (read-only queries). */
  readonly trace: ContractClient;
  /** Reads slave blocks from a peer (see {@link newQsccBlockReader}). */
  readonly readBlock: BlockReader;
}

/** Creates a {@link RegulatorClient}. */
export function newRegulatorClient(options: Readonly<RegulatorClientOptions>): RegulatorClient {
  return new RegulatorClientImpl(options);
}

/**
 * A {@link BlockReader} over the peer's `qscc GetBlockByNumber` (any member of the channel may call it).
 * @param networkOf - the gateway network of a channel (the regulator's peer joins every slave channel).
 * @param organizations - whose peers to read from (normally the caller's own org).
 */
export function newQsccBlockReader(
  networkOf: (channel: string) => Network,
  organizations?: readonly string[],
): BlockReader {
  return async (channel, blockNumber) => {
    let bytes: Uint8Array;
    try {
      bytes = await networkOf(channel)
        .getContract('qscc')
        .evaluate('GetBlockByNumber', {
          arguments: [channel, String(blockNumber)],
          ...(organizations === undefined ? {} : { endorsingOrganizations: [...organizations] }),
        });
    } catch (error: unknown) {
      throw parseGatewayError(error, {
        site: { channel, chaincode: 'qscc', transaction: 'GetBlockByNumber' },
        step: 'evaluate',
      });
    }
    const header = common.Block.deserializeBinary(bytes).getHeader();
    if (header === undefined) throw new Error(`block ${blockNumber} of ${channel} has no header`);
    return {
      number: BigInt(header.getNumber()),
      previousHash: header.getPreviousHash_asU8(),
      dataHash: header.getDataHash_asU8(),
    };
  };
}

const decodeProvider = recordWith<ProviderView>('provider', 'id', 'blacklisted');
const decodeIntensity = recordWith<BusIntensityRecord>('bus intensity', 'busId', 'intensityTco2PerMwh');
const decodeCarbonFlow = recordWith<CarbonFlowRecord>('carbon flow', 'taskId', 'proposal');
const decodeBlock = recordWith<VerificationBlock>('verification block', 'blockNumber', 'headerHash');

class RegulatorClientImpl implements RegulatorClient {
  readonly #audit: ContractClient;
  readonly #providers: ContractClient;
  readonly #governance: ContractClient;
  readonly #anchor: ContractClient;
  readonly #trace: ContractClient;
  readonly #readBlock: BlockReader;

  constructor(options: Readonly<RegulatorClientOptions>) {
    this.#audit = options.audit;
    this.#providers = options.providers;
    this.#governance = options.governance;
    this.#anchor = options.anchor;
    this.#trace = options.trace;
    this.#readBlock = options.readBlock;
  }

  busIntensity(channel: string, slot: number, busId: number): Promise<BusIntensityRecord> {
    return this.#audit.evaluate('BusIntensity', decodeIntensity, {
      arguments: [channel, String(slot), String(busId)],
    });
  }

  slotIntensities(channel: string, slot: number): Promise<BusIntensityRecord[]> {
    return this.#audit.evaluate('SlotIntensities', arrayOf(decodeIntensity, 'intensities'), {
      arguments: [channel, String(slot)],
    });
  }

  provenance(taskId: string): Promise<unknown> {
    return this.#audit.evaluate('Provenance', anyJson, { arguments: [taskId] });
  }

  carbonFlow(taskId: string): Promise<CarbonFlowRecord> {
    return this.#trace.evaluate('GetCarbonFlow', decodeCarbonFlow, { arguments: [taskId] });
  }

  provider(providerId: string): Promise<ProviderView> {
    return this.#providers.evaluate('Get', decodeProvider, { arguments: [providerId] });
  }

  providers(): Promise<ProviderView[]> {
    return this.#providers.evaluate('List', arrayOf(decodeProvider, 'providers'));
  }

  blacklist(): Promise<unknown> {
    return this.#providers.evaluate('GetBlacklist', anyJson);
  }

  async governance(): Promise<GovernanceState | null> {
    try {
      return await this.#governance.evaluate(
        'GetState',
        recordWith<GovernanceState>('governance', 'epoch', 'phase'),
      );
    } catch (error: unknown) {
      if (isContractError(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  async verifyAnchor(channel: string, blockNumber: number): Promise<AnchorVerification> {
    const header = await this.#readBlock(channel, blockNumber);
    const entry = anchorEntryOf(header);
    const verdict = await this.#anchor.evaluate(
      'VerifySlaveBlock',
      (value) => {
        const r = asObject(value, 'verification');
        const anchored = r['anchoredHeaderHash'];
        return {
          valid: booleanField(r, 'valid'),
          anchoredHeaderHash: typeof anchored === 'string' ? anchored : null,
          reason: stringField(r, 'reason'),
        };
      },
      {
        arguments: [
          channel,
          JSON.stringify({ blockNumber, previousHash: entry.previousHash, dataHash: entry.dataHash }),
        ],
      },
    );
    let chainLinkValid = blockNumber === 0 && entry.previousHash === '';
    let linkReason = blockNumber === 0 ? '' : 'the block before is not anchored';
    if (blockNumber > 0) {
      try {
        const before = await this.#anchor.evaluate('Get', decodeBlock, {
          arguments: [channel, String(blockNumber - 1)],
        });
        chainLinkValid = before.headerHash === entry.previousHash;
        linkReason = chainLinkValid
          ? ''
          : `previous hash differs from the anchored hash of block ${blockNumber - 1}`;
      } catch (error: unknown) {
        if (!isContractError(error, 'NOT_FOUND')) throw error;
      }
    }
    const hashMatches = verdict.anchoredHeaderHash === entry.headerHash;
    const valid = verdict.valid && hashMatches && chainLinkValid;
    const reason = valid
      ? `block ${blockNumber} of ${channel} matches its anchor and links to block ${blockNumber - 1}`
      : [verdict.valid && hashMatches ? '' : verdict.reason, linkReason].filter((s) => s !== '').join('; ');
    return {
      channel,
      blockNumber,
      computedHeaderHash: entry.headerHash,
      anchoredHeaderHash: verdict.anchoredHeaderHash,
      contractSaysValid: verdict.valid,
      chainLinkValid,
      valid,
      reason,
    };
  }
}
