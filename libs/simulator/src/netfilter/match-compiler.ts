import type { RuleMatch } from '@netmortem/domain';
import {
  groupMatches,
  type CompiledMatch,
  type MatchCompileEnv,
  type MatchStep,
  type ModuleInstance,
} from './match-types.js';
import {
  compileAddrtypeMatch,
  compileIcmpMatch,
  compileIpMatch,
  compileIprangeMatch,
  compileLengthMatch,
  compileMultiportMatch,
  compileOwnerMatch,
  compilePhysdevMatch,
  compilePkttypeMatch,
  compilePortMatch,
  compileSocketMatch,
} from './packet-matches.js';
import {
  compileAlwaysMatch,
  compileConntrackMatch,
  compileMarkMatch,
  compileStateMatch,
  compileStatisticMatch,
} from './state-matches.js';

type ModuleCompiler = (instance: ModuleInstance, env: MatchCompileEnv) => CompiledMatch;

const COMPILERS: Readonly<Record<string, ModuleCompiler>> = {
  ip: compileIpMatch,
  tcp: compilePortMatch,
  udp: compilePortMatch,
  udplite: compilePortMatch,
  sctp: compilePortMatch,
  dccp: compilePortMatch,
  '6': compilePortMatch,
  '17': compilePortMatch,
  multiport: compileMultiportMatch,
  icmp: compileIcmpMatch,
  icmp6: compileIcmpMatch,
  'ipv6-icmp': compileIcmpMatch,
  icmpv6: compileIcmpMatch,
  iprange: compileIprangeMatch,
  length: compileLengthMatch,
  addrtype: compileAddrtypeMatch,
  pkttype: compilePkttypeMatch,
  physdev: compilePhysdevMatch,
  owner: compileOwnerMatch,
  socket: compileSocketMatch,
  conntrack: compileConntrackMatch,
  state: compileStateMatch,
  mark: compileMarkMatch,
  connmark: compileMarkMatch,
  statistic: compileStatisticMatch,
  comment: compileAlwaysMatch,
  nfacct: compileAlwaysMatch,
  limit: compileAlwaysMatch,
  hashlimit: compileAlwaysMatch,
};

function describe(instance: ModuleInstance): string {
  const options = [...instance.options]
    .map(([key, o]) => `${o.negated ? '! ' : ''}--${key}${o.value ? ` ${o.value}` : ''}`)
    .join(' ');
  return `-m ${instance.module}${options ? ` ${options}` : ''}`;
}

/** A match the model cannot judge: reported, and the rule taken as not matching. */
function unsupportedStep(what: string): MatchStep {
  const note = `${what}; assumed the rule does not match`;
  return {
    kind: 'test',
    test: (ctx) => {
      if (!ctx.dry) ctx.notes.push(note);
      return false;
    },
  };
}

/** The rule's matches as steps, in the order iptables evaluates them. */
export function compileRuleMatches(
  matches: readonly RuleMatch[],
  env: MatchCompileEnv,
): MatchStep[] {
  return groupMatches(matches).map((instance) => {
    const compiler = COMPILERS[instance.module];
    if (!compiler) return unsupportedStep(`${describe(instance)} is not modelled`);
    const compiled = compiler(instance, env);
    return 'unsupported' in compiled
      ? unsupportedStep(`${compiled.unsupported} (${describe(instance)})`)
      : compiled;
  });
}
