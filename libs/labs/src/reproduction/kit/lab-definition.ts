/** What a lab variant gets: where to write its bundle, how to report progress, its namespaces' prefix. */
export interface LabContext {
  /** Bundle directory to fill; it exists and is empty. */
  readonly outDir: string;
  /** Progress lines for `netmortem lab run`. */
  readonly log: (line: string) => void;
  /** Unique namespace prefix (`nmlab-…`); every namespace of the run starts with it. */
  readonly prefix: string;
}

/** The failing connection as the client saw it, and where NAT really sent it. */
export interface LabFlow {
  /** The failing connection's client socket, `ip:port`. */
  client: string;
  /** The address the client dialled (before any DNAT/REDIRECT), `ip:port`. */
  server: string;
  /** Post-NAT backend or listener addresses, `ip:port`. */
  serverAlternatives?: string[];
}

/** The outcome a lab variant produced; never written into the bundle itself. */
export interface LabExpectation {
  /** Catalogue id, or null for a healthy bundle. */
  rootCause: string | null;
  flow?: LabFlow;
}

export interface LabVariant {
  /** e.g. `sidecar-redirect-full-artifacts`. */
  readonly id: string;
  /** What differs in this variant, one line. */
  readonly summary: string;
  run(ctx: LabContext): Promise<LabExpectation>;
}

export interface LabDefinition {
  /** Catalogue id, or `healthy-<name>` for healthy labs. */
  readonly id: string;
  /** Catalogue id, or null for healthy labs. */
  readonly rootCause: string | null;
  readonly title: string;
  /** What it builds and shows, for `lab list` and the docs. */
  readonly description: string;
  /** At least two for catalogue labs. */
  readonly variants: readonly LabVariant[];
}

/** Written beside a bundle as `<bundle-dir>.expected.json`. */
export interface LabExpectedFile extends LabExpectation {
  lab: string;
  variant: string;
}
