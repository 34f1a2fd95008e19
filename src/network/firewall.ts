// The firewall seam: the bridge service says what networks exist, the firewall owns how that becomes rules.
// One implementation writes an nftables table (nft-firewall.ts); a no-op one serves `iptables: false`.
// Later issues add published ports and user-defined bridges to FirewallState, not new calls.

export interface BridgeRules {
  /** Bridge device name, e.g. berth0. */
  device: string;
  /** Subnet in CIDR form, e.g. 172.17.0.0/16. */
  subnet: string;
  /** Masquerade traffic from the subnet leaving through other interfaces (dockerd --ip-masq). */
  masquerade: boolean;
  /** Published ports of containers on this bridge. */
  ports?: PublishedPort[];
  /** com.docker.network.bridge.enable_icc (default true): false drops traffic between its containers. */
  icc?: boolean;
  /** --internal: no traffic in or out of the bridge other than between its own containers (and the gateway). */
  internal?: boolean;
  /** IPv6 subnet (--ipv6), masqueraded like the IPv4 one. */
  subnet6?: string;
}

export interface PublishedPort {
  protocol: 'tcp' | 'udp' | 'sctp';
  /** '0.0.0.0' = every local address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface FirewallState {
  bridges: BridgeRules[];
}

/** The table holding the user's chain (Docker's DOCKER-USER): created if missing, never rewritten or flushed. */
export const userTableName = (table: string) => `${table}_user`;

export interface Firewall {
  /** Replaces everything this daemon owns with `state`, atomically. */
  apply(state: FirewallState): Promise<void>;
  /** Removes everything this daemon owns. Idempotent. */
  remove(): Promise<void>;
}

export const noFirewall: Firewall = {
  async apply() {},
  async remove() {},
};
