/**
 * The case model: a transmission or distribution network as MATPOWER describes it (version 2,
 * per-unit branch data, MW/Mvar loads and shunts), after import and validation. Rows keep their
 * 0-based position in the source matrices so that errors and results can name them.
 */

/** MATPOWER bus types: 1 = PQ, 2 = PV, 3 = reference (slack), 4 = isolated. */
export type BusType = 1 | 2 | 3 | 4;

/** One row of `mpc.bus`. */
export interface Bus {
  /** External bus number (`bus_i`). */
  readonly id: number;
  /** Bus type (`type`). */
  readonly type: BusType;
  /** Active load, MW (`Pd`); negative for distributed generation modelled as negative load. */
  readonly pdMw: number;
  /** Reactive load, Mvar (`Qd`). */
  readonly qdMvar: number;
  /** Shunt conductance, MW consumed at |V| = 1 pu (`Gs`). */
  readonly gsMw: number;
  /** Shunt susceptance, Mvar injected at |V| = 1 pu (`Bs`). */
  readonly bsMvar: number;
  /** Voltage magnitude (initial guess or result), pu (`Vm`). */
  readonly vmPu: number;
  /** Voltage angle (initial guess or result), degrees (`Va`). */
  readonly vaDeg: number;
  /** Base voltage, kV (`baseKV`). */
  readonly baseKv: number;
}

/** One row of `mpc.gen`. */
export interface Generator {
  /** 0-based row in `mpc.gen` (the sidecar's `gen` is this + 1). */
  readonly row: number;
  /** Bus number the unit is connected to. */
  readonly busId: number;
  /** Scheduled active output, MW (`Pg`); the slack unit's value is replaced by the solved one. */
  readonly pgMw: number;
  /** Reactive output, Mvar (`Qg`), used as a fixed injection at PQ buses. */
  readonly qgMvar: number;
  /** Voltage set-point, pu (`Vg`), used at PV and slack buses. */
  readonly vgPu: number;
  /** In service (`status` > 0). */
  readonly inService: boolean;
}

/** One row of `mpc.branch`: a line, or a transformer when `tapRatio ≠ 1` or `shiftDeg ≠ 0`. */
export interface Branch {
  /** 0-based row in `mpc.branch`. */
  readonly row: number;
  /** From-bus number (`fbus`); the tap is on this side. */
  readonly fromBusId: number;
  /** To-bus number (`tbus`). */
  readonly toBusId: number;
  /** Series resistance, pu (`r`). */
  readonly rPu: number;
  /** Series reactance, pu (`x`). */
  readonly xPu: number;
  /** Total line-charging susceptance, pu (`b`). */
  readonly bPu: number;
  /** Off-nominal tap ratio (`ratio`; a source value of 0 means 1). */
  readonly tapRatio: number;
  /** Phase shift, degrees (`angle`). */
  readonly shiftDeg: number;
  /** In service (`status` > 0). */
  readonly inService: boolean;
}

/** A validated power-flow case. */
export interface PowerCase {
  /** Case name (from `function mpc = name`, or the file name). */
  readonly name: string;
  /** Where the case came from (file name as given to the importer). */
  readonly file: string;
  /** System MVA base (`mpc.baseMVA`). */
  readonly baseMva: number;
  /** Buses in source order. */
  readonly buses: readonly Bus[];
  /** Generators in source order. */
  readonly generators: readonly Generator[];
  /** Branches in source order. */
  readonly branches: readonly Branch[];
}
