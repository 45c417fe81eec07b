/**
 * The extended (n+m)×(n+m) network of MATH.md §B: the real buses that carry flow, then one
 * virtual node per branch that carries flow (its loss is the virtual node's load). This is the
 * hand-off between tracing (which builds it from a solved power flow), outsourcing (which masks
 * it) and carbon accounting (which prices it).
 *
 * Indexing: node x ∈ [0, n) is a real bus, x ∈ [n, n+m) is the virtual node of kept branch x−n.
 * Matrices are dense row-major `Float64Array`s where noted (`N×K`: entry [x,g] at x·K+g).
 */

/** Off-diagonal entries of A = I − F in coordinate form; the diagonal of A is 1 and not stored. */
export interface SparseEntries {
  /** Row index x of each entry. */
  readonly rows: Int32Array;
  /** Column index y of each entry. */
  readonly cols: Int32Array;
  /** A[x,y] (≤ 0: minus the fraction of P_y that arrives at x). */
  readonly values: Float64Array;
}

/** One generating unit that injects into the extended network. */
export interface TracedGenerator {
  /** 0-based row of `mpc.gen`; for a negative-load unit, the 0-based row of its bus in `mpc.bus`. */
  readonly genIndex: number;
  /** Where the unit comes from: a `mpc.gen` row, or a negative bus load treated as a DG (MATH A1). */
  readonly source: 'gen' | 'negative-load';
  /** External bus id. */
  readonly busId: number;
  /** Extended-node index of its bus (0 ≤ node < n). */
  readonly node: number;
  /** Active output P_Gg, MW (> 0). */
  readonly pMw: number;
}

/** The extended network with everything the tracing, masking and carbon steps need. */
export interface DistributionSystem {
  /** n: real buses that carry flow. */
  readonly busCount: number;
  /** m: branches that carry flow (P^s ≥ ε). */
  readonly branchCount: number;
  /** N = n + m. */
  readonly size: number;
  /** External bus id of real node x (length n). */
  readonly busIds: readonly number[];
  /** 0-based `mpc.branch` row of virtual node n+k (length m). */
  readonly branchRows: readonly number[];
  /**
   * For virtual node n+k: the real nodes of the branch's `mpc.branch` from-bus (`from`) and to-bus
   * (`to`), and which of them feeds the branch (P_e > 0). Normally exactly one end sends; both send
   * in the degenerate case of MATH A3 (then the branch delivers nothing, P^r = 0).
   */
  readonly branchEnds: readonly {
    readonly from: number;
    readonly to: number;
    readonly fromSends: boolean;
    readonly toSends: boolean;
  }[];
  /** Through-flow P_x, MW (length N). */
  readonly throughFlowMw: Float64Array;
  /** Load P_Lx, MW: bus load incl. shunt conductance (0 for virtual nodes). */
  readonly loadMw: Float64Array;
  /** Virtual load ΔP_x, MW: the branch loss (0 for real nodes). */
  readonly lossMw: Float64Array;
  /** Receiving-end power P^r_x, MW, for virtual nodes (0 for real nodes). */
  readonly receivingMw: Float64Array;
  /** Off-diagonal entries of A (≤ N + 2m − N = 2m entries). */
  readonly offDiagonal: SparseEntries;
  /** The K generating units, in order; column g of G and X. */
  readonly generators: readonly TracedGenerator[];
  /** A topological order of the flow graph (every node after all its suppliers), or undefined if cyclic. */
  readonly topologicalOrder: Int32Array | undefined;
}
