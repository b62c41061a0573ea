/**
 * `netstat -s` (net-tools) turns many kernel counters into prose. These are the sentences
 * whose counter is certain (checked against nstat in the same namespace for the ones the
 * fixtures show), keyed by section and by the sentence with its number replaced by `#`,
 * mapped to the name nstat and /proc/net/{snmp,netstat} use. Older net-tools spelled a few
 * differently; those spellings are listed too.
 */
const PROSE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ip: {
    '# total packets received': 'IpInReceives',
    '# with invalid headers': 'IpInHdrErrors',
    '# with invalid addresses': 'IpInAddrErrors',
    '# forwarded': 'IpForwDatagrams',
    '# with unknown protocol': 'IpInUnknownProtos',
    '# incoming packets discarded': 'IpInDiscards',
    '# incoming packets delivered': 'IpInDelivers',
    '# requests sent out': 'IpOutRequests',
    '# outgoing packets dropped': 'IpOutDiscards',
    '# dropped because of missing route': 'IpOutNoRoutes',
    '# fragments dropped after timeout': 'IpReasmTimeout',
    '# reassemblies required': 'IpReasmReqds',
    '# packets reassembled ok': 'IpReasmOKs',
    '# packet reassemblies failed': 'IpReasmFails',
    '# fragments received ok': 'IpFragOKs',
    '# fragments failed': 'IpFragFails',
    '# fragments created': 'IpFragCreates',
  },
  Icmp: {
    '# ICMP messages received': 'IcmpInMsgs',
    '# input ICMP message failed': 'IcmpInErrors',
    '# input ICMP message failed.': 'IcmpInErrors',
    '# ICMP messages sent': 'IcmpOutMsgs',
    '# ICMP messages failed': 'IcmpOutErrors',
  },
  Tcp: {
    '# active connection openings': 'TcpActiveOpens',
    '# active connections openings': 'TcpActiveOpens',
    '# passive connection openings': 'TcpPassiveOpens',
    '# failed connection attempts': 'TcpAttemptFails',
    '# connection resets received': 'TcpEstabResets',
    '# connections established': 'TcpCurrEstab',
    '# segments received': 'TcpInSegs',
    '# segments sent out': 'TcpOutSegs',
    '# segments send out': 'TcpOutSegs',
    '# segments retransmitted': 'TcpRetransSegs',
    '# segments retransmited': 'TcpRetransSegs',
    '# bad segments received': 'TcpInErrs',
    '# bad segments received.': 'TcpInErrs',
    '# resets sent': 'TcpOutRsts',
  },
  Udp: {
    '# packets received': 'UdpInDatagrams',
    '# packets to unknown port received': 'UdpNoPorts',
    '# packets to unknown port received.': 'UdpNoPorts',
    '# packet receive errors': 'UdpInErrors',
    '# packets sent': 'UdpOutDatagrams',
    '# receive buffer errors': 'UdpRcvbufErrors',
    '# send buffer errors': 'UdpSndbufErrors',
  },
  TcpExt: {
    '# SYN cookies sent': 'TcpExtSyncookiesSent',
    '# SYN cookies received': 'TcpExtSyncookiesRecv',
    '# invalid SYN cookies received': 'TcpExtSyncookiesFailed',
    '# resets received for embryonic SYN_RECV sockets': 'TcpExtEmbryonicRsts',
    '# packets pruned from receive queue because of socket buffer overrun': 'TcpExtPruneCalled',
    '# packets pruned from receive queue': 'TcpExtRcvPruned',
    '# packets dropped from out-of-order queue because of socket buffer overrun': 'TcpExtOfoPruned',
    '# ICMP packets dropped because they were out-of-window': 'TcpExtOutOfWindowIcmps',
    '# ICMP packets dropped because socket was locked': 'TcpExtLockDroppedIcmps',
    '# TCP sockets finished time wait in fast timer': 'TcpExtTW',
    '# time wait sockets recycled by time stamp': 'TcpExtTWRecycled',
    '# TCP sockets finished time wait in slow timer': 'TcpExtTWKilled',
    '# passive connections rejected because of time stamp': 'TcpExtPAWSPassive',
    '# active connections rejected because of time stamp': 'TcpExtPAWSActive',
    '# packets rejects in established connections because of timestamp': 'TcpExtPAWSEstab',
    '# packets rejected in established connections because of timestamp': 'TcpExtPAWSEstab',
    '# delayed acks sent': 'TcpExtDelayedACKs',
    '# delayed acks further delayed because of locked socket': 'TcpExtDelayedACKLocked',
    'Quick ack mode was activated # times': 'TcpExtDelayedACKLost',
    '# times the listen queue of a socket overflowed': 'TcpExtListenOverflows',
    '# SYNs to LISTEN sockets dropped': 'TcpExtListenDrops',
    '# SYNs to LISTEN sockets ignored': 'TcpExtListenDrops',
    '# packet headers predicted': 'TcpExtTCPHPHits',
    '# acknowledgments not containing data payload received': 'TcpExtTCPPureAcks',
    '# acknowledgments not containing data received': 'TcpExtTCPPureAcks',
    '# predicted acknowledgments': 'TcpExtTCPHPAcks',
    '# connections reset due to unexpected data': 'TcpExtTCPAbortOnData',
    '# connections reset due to unexpected SYN': 'TcpExtTCPAbortOnSyn',
    '# connections reset due to early user close': 'TcpExtTCPAbortOnClose',
    '# connections aborted due to memory pressure': 'TcpExtTCPAbortOnMemory',
    '# connections aborted due to timeout': 'TcpExtTCPAbortOnTimeout',
    '# connections aborted after user close in linger timeout': 'TcpExtTCPAbortOnLinger',
    '# times unable to send RST due to no memory': 'TcpExtTCPAbortFailed',
    '# fast retransmits': 'TcpExtTCPFastRetrans',
    '# retransmits in slow start': 'TcpExtTCPSlowStartRetrans',
    '# other TCP timeouts': 'TcpExtTCPTimeouts',
    '# times recovered from packet loss by selective acknowledgements': 'TcpExtTCPSackRecovery',
    '# bad SACK blocks received': 'TcpExtTCPSACKDiscard',
    '# DSACKs sent for old packets': 'TcpExtTCPDSACKOldSent',
    '# packets collapsed in receive queue due to low socket buffer': 'TcpExtTCPRcvCollapsed',
  },
};

/** The histogram lines under "ICMP input histogram:" / "ICMP output histogram:". */
const ICMP_HISTOGRAM: Readonly<Record<string, string>> = {
  'destination unreachable': 'DestUnreachs',
  'timeout in transit': 'TimeExcds',
  'wrong parameters': 'ParmProbs',
  'source quenches': 'SrcQuenchs',
  redirects: 'Redirects',
  'echo requests': 'Echos',
  'echo request': 'Echos',
  'echo replies': 'EchoReps',
  'timestamp request': 'Timestamps',
  'timestamp reply': 'TimestampReps',
  'timestamp replies': 'TimestampReps',
  'address mask request': 'AddrMasks',
  'address mask replies': 'AddrMaskReps',
};

export function proseCounterName(section: string, sentence: string): string | undefined {
  const table = Object.hasOwn(PROSE, section) ? PROSE[section] : undefined;
  return table && Object.hasOwn(table, sentence) ? table[sentence] : undefined;
}

export function icmpHistogramName(direction: 'In' | 'Out', label: string): string | undefined {
  return Object.hasOwn(ICMP_HISTOGRAM, label)
    ? `Icmp${direction}${ICMP_HISTOGRAM[label]!}`
    : undefined;
}

/** A stable key for a sentence no table covers: `TcpExt.tcp_data_loss_events`. */
export function normalisedCounterName(section: string, sentence: string): string {
  const words = sentence
    .toLowerCase()
    .replace(/#/g, ' ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${section}.${words}`;
}
