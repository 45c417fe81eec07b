'use strict';
/**
 * Caliper workload: LV measurements into carbon-slave on slave-hv1, as `Measurement:Submit` (one
 * slot per transaction) or `Measurement:SubmitBatch` (`slotsPerTx` slots per transaction).
 * Each worker submits as Lv1a or Lv1b (alternating by worker index) on a feeder topology of its
 * own, registered on a grid of this run when the round starts, with `metersPerSlot` metered
 * buses; every transaction writes fresh slots (no conflicts, no retries).
 *
 * Round arguments: slotsPerTx (1 = Submit), metersPerSlot, runId (a grid/slot namespace).
 */
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

const CONTRACT = 'carbon-slave';
const ORGS = ['Lv1a', 'Lv1b'];

/** A radial feeder of `meters + 1` buses from `firstBus`. */
function feeder(id, grid, substation, firstBus, meters) {
  const buses = [];
  const branches = [];
  for (let i = 0; i <= meters; i += 1) {
    buses.push({ busId: firstBus + i, kind: i === 0 ? 'slack' : 'pq', baseKv: 12.66 });
    if (i > 0) branches.push({ fromBusId: firstBus + i - 1, toBusId: firstBus + i, rPu: 0.01, xPu: 0.03 });
  }
  return { id, grid, substation, baseMva: 10, buses, branches };
}

class SubmitMeasurementsWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    this.slotsPerTx = Number(roundArguments.slotsPerTx || 1);
    this.metersPerSlot = Number(roundArguments.metersPerSlot || 16);
    const runId = String(roundArguments.runId || Date.now().toString(36));
    this.org = ORGS[workerIndex % ORGS.length];
    this.mspId = `${this.org}MSP`;
    const grid = `caliper-${runId}-r${roundIndex}-w${workerIndex}`;
    this.topology = feeder(`${grid}-${this.org.toLowerCase()}`, grid, this.org, 1, this.metersPerSlot);
    // slots of this run, round and worker only
    const runSlots = Number.parseInt(runId, 36) % 100000;
    this.nextSlot = 900000000000 + runSlots * 1000000 + roundIndex * 100000 + workerIndex * 10000;
    const status = await this.sutAdapter.sendRequests({
      contractId: CONTRACT,
      contractFunction: 'Measurement:RegisterTopology',
      contractArguments: [JSON.stringify(this.topology)],
      invokerIdentity: 'User1',
      invokerMspId: this.mspId,
      readOnly: false,
    });
    if (!status.IsCommitted()) throw new Error(`RegisterTopology of ${grid} failed`);
    const result = JSON.parse(Buffer.from(status.GetResult()).toString('utf8'));
    this.reference = { id: result.id, sha256: result.sha256 };
  }

  /** Slot `slot`'s measurement, its loads in columns as the project's LV client sends them. */
  measurement(slot) {
    const loads = { busId: [], pMw: [], qMvar: [] };
    for (let i = 1; i <= this.metersPerSlot; i += 1) {
      loads.busId.push(1 + i);
      loads.pMw.push(Math.round((0.05 + ((i * 7 + slot) % 50) * 0.001) * 1e6) / 1e6);
      loads.qMvar.push(0.01);
    }
    return { slot, substation: this.org, loads, generators: [], switches: [], topology: this.reference };
  }

  async submitTransaction() {
    const slots = [];
    for (let k = 0; k < this.slotsPerTx; k += 1) slots.push(this.measurement(this.nextSlot + k));
    this.nextSlot += this.slotsPerTx;
    const single = this.slotsPerTx === 1;
    await this.sutAdapter.sendRequests({
      contractId: CONTRACT,
      contractFunction: single ? 'Measurement:Submit' : 'Measurement:SubmitBatch',
      contractArguments: [JSON.stringify(single ? slots[0] : { measurements: slots })],
      invokerIdentity: 'User1',
      invokerMspId: this.mspId,
      readOnly: false,
    });
  }
}

function createWorkloadModule() {
  return new SubmitMeasurementsWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
